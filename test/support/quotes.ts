/**
 * Quote providers for tests: a provider with `quote` replaced (slowed, held, annotated, counted) and every other
 * method its own, so a provider method that a new finance tool adds (docs/add-a-tool.md) needs no change here.
 */
import type { QuoteProvider } from '../../tool-workers/finance/quotes/provider';
import { SampleQuoteProvider } from '../../tool-workers/finance/quotes/sample';

/** `inner` with `quote` (and, if given, `name`) replaced; the rest is looked up on `inner`. */
export function withQuote(
  inner: QuoteProvider,
  override: { name?: string; quote: QuoteProvider['quote'] },
): QuoteProvider {
  return Object.assign(Object.create(inner) as QuoteProvider, override);
}

/** The offline sample prices, as the finance worker serves them by default. */
export const sampleQuotes: QuoteProvider = new SampleQuoteProvider();
