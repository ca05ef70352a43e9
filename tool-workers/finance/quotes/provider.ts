import { ProviderError } from '../../../shared/providers';
import type { StockQuote } from '../contract';

/** Where stock quotes come from. Implementations throw the errors below so activities can tell retryable from not. */
export interface QuoteProvider {
  readonly name: string;
  quote(symbol: string): Promise<StockQuote>;
}

/** The provider answered, and it has no such ticker: retrying will not help. */
export class UnknownSymbolError extends Error {
  override name = 'UnknownSymbol';
}

/** The provider failed, refused, or did not answer in time. */
export class QuoteProviderError extends ProviderError {
  override name = 'QuoteProviderError';
}
