/**
 * Finance activities: the only place finance work touches the outside world. Input is validated here with the tool
 * definition's own input schema (./contract.ts, strict), so any client that starts the workflows gets the checks MCP
 * and Nexus make, an unknown key refused included.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { z } from 'zod';
import { providerFailure } from '../../shared/providers';
import { QuoteProviderError, UnknownSymbolError, type QuoteProvider } from './quotes/provider';
import { compoundGrowth } from './roi';
import {
  roiInput,
  stockPriceInput,
  type RoiInput,
  type RoiResult,
  type StockPriceInput,
  type StockQuote,
} from './contract';

export interface FinanceDeps {
  quotes: QuoteProvider;
}

/** `principal: principal must be greater than 0; years: ...` — every problem, each naming its field. */
export function describeInvalidInput(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
}

function validated<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw ApplicationFailure.nonRetryable(describeInvalidInput(parsed.error), 'InvalidInput');
  return parsed.data;
}

export function createFinanceActivities({ quotes }: FinanceDeps) {
  return {
    async fetchStockQuote(input: StockPriceInput): Promise<StockQuote> {
      const { symbol } = validated(stockPriceInput, input);
      try {
        return await quotes.quote(symbol.toUpperCase());
      } catch (err) {
        if (err instanceof UnknownSymbolError) throw ApplicationFailure.nonRetryable(err.message, 'UnknownSymbol');
        if (err instanceof QuoteProviderError) throw providerFailure(err, 'QuoteProvider');
        throw err;
      }
    },

    async computeRoi(input: RoiInput): Promise<RoiResult> {
      const args = validated(roiInput, input);
      try {
        return compoundGrowth(args);
      } catch (err) {
        throw ApplicationFailure.nonRetryable((err as Error).message, 'InvalidInput');
      }
    },
  };
}

export type FinanceActivities = ReturnType<typeof createFinanceActivities>;
