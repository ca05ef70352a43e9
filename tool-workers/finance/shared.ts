/**
 * The finance tools' contract, shared by the MCP server (input/output schemas), the workflows (types only) and the
 * activities (validation). Field names are snake_case because they are what MCP clients and models see.
 */
import { z } from 'zod';

export const stockPriceInput = {
  symbol: z
    .string()
    .trim()
    .min(1, 'symbol must not be empty')
    .max(12, 'symbol must be at most 12 characters')
    .regex(/^[A-Za-z0-9.\-^=]+$/, 'symbol may contain only letters, digits and . - ^ =')
    .describe('Ticker symbol, for example AAPL, MSFT or BRK.B (case-insensitive)'),
};

export const stockQuoteOutput = {
  symbol: z.string().describe('Ticker symbol, upper case'),
  price: z.number().describe('Latest price per share'),
  currency: z.string().describe('ISO 4217 currency code of the price'),
  as_of: z.string().describe('When the price was observed, ISO 8601'),
  source: z.string().describe('Where the price came from; says "sample data" when it is not live'),
};

export const compoundingPeriods = ['yearly', 'semiannually', 'quarterly', 'monthly', 'daily', 'continuously'] as const;
export type Compounding = (typeof compoundingPeriods)[number];
export const periodsPerYear: Record<Exclude<Compounding, 'continuously'>, number> = {
  yearly: 1,
  semiannually: 2,
  quarterly: 4,
  monthly: 12,
  daily: 365,
};

export const MAX_YEARS = 100;
export const MAX_PRINCIPAL = 1e12;
export const MAX_ANNUAL_RATE = 10;

export const roiInput = {
  principal: z
    .number()
    .positive('principal must be greater than 0')
    .max(MAX_PRINCIPAL, `principal must be at most ${MAX_PRINCIPAL}`)
    .describe('Amount invested, in currency units (for example 10000 for $10,000); must be > 0'),
  annual_rate: z
    .number()
    .gt(-1, 'annual_rate must be greater than -1 (a loss of 100% or more per year is not a rate)')
    .max(MAX_ANNUAL_RATE, `annual_rate must be at most ${MAX_ANNUAL_RATE} (1000% a year)`)
    .describe('Annual interest rate as a decimal fraction: 0.05 means 5% a year, -0.02 means -2%'),
  years: z
    .number()
    .positive('years must be greater than 0')
    .max(MAX_YEARS, `years must be at most ${MAX_YEARS}`)
    .describe(`Investment horizon in years (fractions allowed), greater than 0 and at most ${MAX_YEARS}`),
  compounding: z
    .enum(compoundingPeriods)
    .default('yearly')
    .describe('How often interest compounds; defaults to yearly'),
};

export const roiOutput = {
  principal: z.number().describe('Amount invested'),
  annual_rate: z.number().describe('Annual rate as a decimal fraction'),
  years: z.number().describe('Investment horizon in years'),
  compounding: z.enum(compoundingPeriods).describe('Compounding frequency used'),
  final_value: z.number().describe('Value at the end of the horizon, rounded to cents'),
  gain: z.number().describe('final_value minus principal, rounded to cents'),
  roi_percent: z.number().describe('Return on investment in percent, rounded to 2 decimals'),
};

export const stockPriceInputSchema = z.object(stockPriceInput);
export const roiInputSchema = z.object(roiInput);
export type StockPriceInput = z.input<typeof stockPriceInputSchema>;
export type StockQuote = z.infer<z.ZodObject<typeof stockQuoteOutput>>;
export type RoiInput = z.input<typeof roiInputSchema>;
export type RoiResult = z.infer<z.ZodObject<typeof roiOutput>>;
