/**
 * The finance resources, each defined once (shared/resources/definition.ts). The Finance MCP server registers them;
 * a quote is read through stock_price's own workflow, so it is durable and traced as a tool call is.
 */
import { z } from 'zod';
import { completeFrom, defineResource, defineResourceTemplate } from '../../shared/resources/definition';
import { stockPriceInput } from './contract';
import { SAMPLE_SYMBOLS } from './quotes/sample';

export const symbolsResource = defineResource({
  name: 'symbols',
  title: 'Supported symbols',
  description:
    'The ticker symbols the offline sample data covers (sample data: a live provider may serve other symbols too).',
  uri: 'finance://symbols',
  mimeType: 'application/json',
});

export const quoteResource = defineResourceTemplate({
  name: 'quote',
  title: 'Stock quote',
  description:
    'The latest quote of one symbol, read through the stock_price workflow. Its source says "sample data" when the ' +
    'server runs on its offline dataset.',
  uriTemplate: 'finance://quotes/{symbol}',
  variables: z.strictObject({ symbol: stockPriceInput.shape.symbol }),
  mimeType: 'application/json',
});

/** What finance://symbols reads as. */
export function supportedSymbols() {
  return {
    symbols: [...SAMPLE_SYMBOLS],
    source: 'sample data (the offline dataset; a live provider may serve other symbols)',
  };
}

/** Completion of a {symbol}: the sample symbols that start with what was typed. */
export const completeSymbol = (typed: string | undefined): string[] => completeFrom(SAMPLE_SYMBOLS, typed);

export const financeResources = [symbolsResource, quoteResource] as const;
