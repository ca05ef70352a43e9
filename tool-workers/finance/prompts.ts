/**
 * The finance prompts, each defined once (shared/prompts/definition.ts): instructions an agent can start a turn from,
 * naming the tools and resources to use.
 */
import { z } from 'zod';
import { definePrompt } from '../../shared/prompts/definition';
import { completeSymbol, quoteResource } from './resources';
import { calculateRoiTool, stockPriceTool } from './tools';
import { stockPriceInput } from './contract';

/** A positive decimal number given as text (prompt arguments are strings). */
const positiveNumber = (what: string, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, `${what} must be a positive number, for example 10000 or 2.5`)
    .refine((v) => Number(v) > 0 && Number(v) <= max, `${what} must be greater than 0 and at most ${max}`);

export const reviewInvestmentPrompt = definePrompt({
  name: 'review_investment',
  title: 'Review an investment',
  description:
    'Review investing an amount in a stock for some years: its latest price, then the growth at a few rates.',
  arguments: z.strictObject({
    // stock_price's own check, as a new schema instance (completion marks the schema it wraps).
    symbol: stockPriceInput.shape.symbol.describe('Ticker symbol, for example AAPL'),
    amount: positiveNumber('amount', 1e12).describe('Amount to invest, in the currency of the quote'),
    years: positiveNumber('years', 100).describe('Investment horizon in years'),
  }),
  complete: { symbol: completeSymbol },
  messages: ({ symbol, amount, years }) => [
    {
      role: 'user',
      text:
        `Review an investment of ${amount} in ${symbol.toUpperCase()} for ${years} years.\n` +
        `1. Get the latest price with the ${stockPriceTool.name} tool (or read ${quoteResource.uriTemplate.replace('{symbol}', symbol.toUpperCase())}); ` +
        'say whether it is sample data.\n' +
        `2. With ${calculateRoiTool.name}, compute the final value at annual rates of 0.03, 0.07 and 0.10.\n` +
        '3. Summarise: shares the amount buys at that price, the three outcomes, and that past prices do not predict returns.',
    },
  ],
});

export const financePrompts = [reviewInvestmentPrompt] as const;
