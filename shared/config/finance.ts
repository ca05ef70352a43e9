/**
 * The finance tools. The MCP server reads only the task queue it starts workflows on; the worker reads the quote
 * provider too, so a missing Alpha Vantage key stops the worker alone.
 */
import { z } from 'zod';
import { ConfigError, optionalString } from './env';
import { defineSection } from './section';

const taskQueue = { FINANCE_TASK_QUEUE: z.string().min(1).default('finance-tools') };

export interface FinanceQueueConfig {
  taskQueue: string;
}

export interface FinanceConfig extends FinanceQueueConfig {
  quoteProvider: 'sample' | 'alphavantage';
  alphaVantage: { apiKey: string; baseUrl: string };
  quoteTimeoutMs: number;
}

export const financeQueueSection = defineSection(taskQueue, (c): FinanceQueueConfig => ({
  taskQueue: c.FINANCE_TASK_QUEUE,
}));

export const financeSection = defineSection(
  {
    ...taskQueue,
    QUOTE_PROVIDER: z.enum(['sample', 'alphavantage']).default('sample'),
    ALPHAVANTAGE_API_KEY: optionalString,
    ALPHAVANTAGE_BASE_URL: z.url().default('https://www.alphavantage.co'),
    QUOTE_TIMEOUT_MS: z.coerce.number().int().min(50).max(120_000).default(5000),
  },
  (c): FinanceConfig => {
    if (c.QUOTE_PROVIDER === 'alphavantage' && !c.ALPHAVANTAGE_API_KEY) {
      throw new ConfigError(['ALPHAVANTAGE_API_KEY: required when QUOTE_PROVIDER=alphavantage']);
    }
    return {
      taskQueue: c.FINANCE_TASK_QUEUE,
      quoteProvider: c.QUOTE_PROVIDER,
      alphaVantage: { apiKey: c.ALPHAVANTAGE_API_KEY ?? '', baseUrl: c.ALPHAVANTAGE_BASE_URL },
      quoteTimeoutMs: c.QUOTE_TIMEOUT_MS,
    };
  },
);
