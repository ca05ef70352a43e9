/**
 * The offline default: an embedded snapshot of closing prices, clearly labelled as sample data so nobody mistakes it
 * for a live quote.
 */
import type { StockQuote } from '../contract';
import { UnknownSymbolError, type QuoteProvider } from './provider';

const SNAPSHOT_AS_OF = '2026-11-20T21:00:00.000Z';
const SOURCE = 'sample data (embedded snapshot of 2026-11-20 closing prices; not a live quote)';

const closingPrices: Record<string, { price: number; currency: string }> = {
  AAPL: { price: 227.48, currency: 'USD' },
  MSFT: { price: 431.2, currency: 'USD' },
  GOOGL: { price: 176.93, currency: 'USD' },
  GOOG: { price: 178.12, currency: 'USD' },
  AMZN: { price: 202.61, currency: 'USD' },
  META: { price: 563.09, currency: 'USD' },
  NVDA: { price: 146.67, currency: 'USD' },
  TSLA: { price: 342.03, currency: 'USD' },
  'BRK.B': { price: 471.56, currency: 'USD' },
  JPM: { price: 243.8, currency: 'USD' },
  V: { price: 309.05, currency: 'USD' },
  JNJ: { price: 155.4, currency: 'USD' },
  WMT: { price: 89.21, currency: 'USD' },
  KO: { price: 63.72, currency: 'USD' },
  DIS: { price: 114.35, currency: 'USD' },
  NFLX: { price: 887.1, currency: 'USD' },
  IBM: { price: 222.97, currency: 'USD' },
  INTC: { price: 24.35, currency: 'USD' },
  AMD: { price: 138.04, currency: 'USD' },
  ORCL: { price: 189.92, currency: 'USD' },
  CRM: { price: 331.53, currency: 'USD' },
  UBER: { price: 70.18, currency: 'USD' },
  SPY: { price: 593.54, currency: 'USD' },
  QQQ: { price: 505.79, currency: 'USD' },
};

/** The symbols the offline sample data covers, in its order: what the `finance://symbols` resource lists. */
export const SAMPLE_SYMBOLS: readonly string[] = Object.freeze(Object.keys(closingPrices));

export class SampleQuoteProvider implements QuoteProvider {
  readonly name = 'sample';

  async quote(symbol: string): Promise<StockQuote> {
    const key = symbol.toUpperCase();
    const known = closingPrices[key];
    if (!known) {
      throw new UnknownSymbolError(
        `no sample quote for ${key}; the offline sample data covers ${Object.keys(closingPrices).join(', ')} ` +
          '(set QUOTE_PROVIDER=alphavantage for live quotes)',
      );
    }
    return { symbol: key, price: known.price, currency: known.currency, as_of: SNAPSHOT_AS_OF, source: SOURCE };
  }
}
