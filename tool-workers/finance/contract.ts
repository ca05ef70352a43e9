/**
 * The finance tools' contract: each tool's input and output schema, once. The definitions (./tools.ts) take them as
 * their `input` and `output`, so MCP, Nexus and the activities (which validate with the same input schema) check one
 * thing; the workflows and providers take their types. Side-free (zod and constants only), so the workflows, the
 * activities and the definitions can all import it without importing one another. Field names are snake_case because
 * they are what MCP clients and models see.
 */
import { z } from 'zod';
import { MAX_WATCH_CHECKS } from '../../shared/tools/task-progress';

/** Strict, as every tool input: an unknown argument is refused by name, by MCP, Nexus and the activity alike. */
export const stockPriceInput = z.strictObject({
  symbol: z
    .string()
    .trim()
    .min(1, 'symbol must not be empty')
    .max(12, 'symbol must be at most 12 characters')
    .regex(/^[A-Za-z0-9.\-^=]+$/, 'symbol may contain only letters, digits and . - ^ =')
    .describe('Ticker symbol, for example AAPL, MSFT or BRK.B (case-insensitive)'),
});

export const stockQuote = z.object({
  symbol: z.string().describe('Ticker symbol, upper case'),
  price: z.number().describe('Latest price per share'),
  currency: z.string().describe('ISO 4217 currency code of the price'),
  as_of: z.string().describe('When the price was observed, ISO 8601'),
  source: z.string().describe('Where the price came from; says "sample data" when it is not live'),
});

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

export const roiInput = z.strictObject({
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
});

export const roiResult = z.object({
  principal: z.number().describe('Amount invested'),
  annual_rate: z.number().describe('Annual rate as a decimal fraction'),
  years: z.number().describe('Investment horizon in years'),
  compounding: z.enum(compoundingPeriods).describe('Compounding frequency used'),
  final_value: z.number().describe('Value at the end of the horizon, rounded to cents'),
  gain: z.number().describe('final_value minus principal, rounded to cents'),
  roi_percent: z.number().describe('Return on investment in percent, rounded to 2 decimals'),
});

export type StockPriceInput = z.input<typeof stockPriceInput>;
export type StockQuote = z.infer<typeof stockQuote>;
export type RoiInput = z.input<typeof roiInput>;
export type RoiResult = z.infer<typeof roiResult>;

/** price_alert: watch a symbol until its price crosses a threshold or the watch ends. */
export const priceAlertInput = z
  .strictObject({
    symbol: stockPriceInput.shape.symbol,
    direction: z
      .enum(['above', 'below'])
      .describe('Alert when the price rises to or above the threshold ("above") or falls to or below it ("below")'),
    threshold: z
      .number()
      .positive('threshold must be greater than 0')
      .describe('The price to watch for, in the quote currency'),
    check_every_seconds: z
      .number()
      .int('check_every_seconds must be a whole number')
      .min(1, 'check_every_seconds must be at least 1')
      .max(3600, 'check_every_seconds must be at most 3600')
      .default(60)
      .describe('Seconds between two price checks; defaults to 60'),
    watch_minutes: z
      .number()
      .min(0.05, 'watch_minutes must be at least 0.05 (3 seconds)')
      .max(720, 'watch_minutes must be at most 720 (12 hours)')
      .default(60)
      .describe('How long to watch before giving up, in minutes (fractions allowed); defaults to 60'),
  })
  .refine((a) => (a.watch_minutes * 60) / a.check_every_seconds <= MAX_WATCH_CHECKS, {
    message: `watch_minutes * 60 / check_every_seconds must be at most ${MAX_WATCH_CHECKS} checks: check less often, or watch for less time`,
    path: ['check_every_seconds'],
  });

export const priceAlertResult = z.object({
  symbol: z.string().describe('Ticker symbol, upper case'),
  direction: z.enum(['above', 'below']).describe('What was watched for'),
  threshold: z.number().describe('The price watched for'),
  triggered: z.boolean().describe('Whether the price crossed the threshold before the watch ended'),
  last_price: z.number().describe('The last price seen'),
  currency: z.string().describe('ISO 4217 currency code of the prices'),
  last_checked_at: z.string().describe('When the last price was observed, ISO 8601'),
  checks: z.number().describe('How many times the price was checked'),
  source: z.string().describe('Where the prices came from; says "sample data" when not live'),
});

export type PriceAlertInput = z.input<typeof priceAlertInput>;
export type PriceAlertResult = z.infer<typeof priceAlertResult>;
