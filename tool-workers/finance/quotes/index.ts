import type { FinanceConfig } from '../../../shared/config';
import { AlphaVantageQuoteProvider } from './alpha-vantage';
import type { QuoteProvider } from './provider';
import { SampleQuoteProvider } from './sample';

export function createQuoteProvider(config: FinanceConfig): QuoteProvider {
  switch (config.quoteProvider) {
    case 'sample':
      return new SampleQuoteProvider();
    case 'alphavantage':
      return new AlphaVantageQuoteProvider({ ...config.alphaVantage, timeoutMs: config.quoteTimeoutMs });
  }
}
