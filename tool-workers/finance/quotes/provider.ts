import type { StockQuote } from '../shared';

/** Where stock quotes come from. Implementations throw the errors below so activities can tell retryable from not. */
export interface QuoteProvider {
  readonly name: string;
  quote(symbol: string): Promise<StockQuote>;
}

/** The provider answered, and it has no such ticker: retrying will not help. */
export class UnknownSymbolError extends Error {
  override name = 'UnknownSymbol';
}

/** The provider failed or did not answer in time: worth a retry. */
export class QuoteProviderError extends Error {
  override name = 'QuoteProviderError';
  constructor(
    message: string,
    readonly kind: 'timeout' | 'unavailable' | 'rejected' = 'unavailable',
  ) {
    super(message);
  }
}
