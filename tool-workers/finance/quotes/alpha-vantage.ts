/**
 * Live quotes from Alpha Vantage's GLOBAL_QUOTE endpoint (https://www.alphavantage.co/documentation/#latestprice):
 *   GET {base}/query?function=GLOBAL_QUOTE&symbol=IBM&apikey=KEY
 *   200 {"Global Quote": {"01. symbol": "IBM", "05. price": "222.9700", "07. latest trading day": "2026-11-20", ...}}
 * An unknown symbol answers `{"Global Quote": {}}`; a bad key `{"Error Message": ...}`; the rate limit
 * `{"Information": ...}` or `{"Note": ...}`, all with status 200. The key travels in the query string, so URLs are
 * never logged.
 */
import { Agent, request } from 'undici';
import type { StockQuote } from '../contract';
import { QuoteProviderError, UnknownSymbolError, type QuoteProvider } from './provider';

export interface AlphaVantageOptions {
  apiKey: string;
  baseUrl: string;
  timeoutMs: number;
}

/** GLOBAL_QUOTE carries no currency; Alpha Vantage's exchange suffixes tell it. Plain US tickers are USD. */
const currencyBySuffix: Record<string, string> = {
  LON: 'GBX',
  TRT: 'CAD',
  TRV: 'CAD',
  DEX: 'EUR',
  FRK: 'EUR',
  BSE: 'INR',
  SHH: 'CNY',
  SHZ: 'CNY',
};

const fields = { symbol: '01. symbol', price: '05. price', day: '07. latest trading day' } as const;

export class AlphaVantageQuoteProvider implements QuoteProvider {
  readonly name = 'alphavantage';
  // One pooled keep-alive agent per provider: quote after quote reuses the same connections.
  private readonly agent: Agent;

  constructor(private readonly opts: AlphaVantageOptions) {
    this.agent = new Agent({
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      connectTimeout: opts.timeoutMs,
    });
  }

  async quote(symbol: string): Promise<StockQuote> {
    const url = new URL('/query', this.opts.baseUrl);
    url.search = new URLSearchParams({ function: 'GLOBAL_QUOTE', symbol, apikey: this.opts.apiKey }).toString();
    let body: unknown;
    try {
      const res = await request(url, { dispatcher: this.agent, signal: AbortSignal.timeout(this.opts.timeoutMs) });
      if (res.statusCode !== 200) {
        await res.body.dump();
        throw new QuoteProviderError(`Alpha Vantage answered HTTP ${res.statusCode} for ${symbol}`);
      }
      body = await res.body.json();
    } catch (err) {
      if (err instanceof QuoteProviderError) throw err;
      const e = err as { name?: string; code?: string };
      if (e.name === 'TimeoutError' || e.name === 'AbortError' || /TIMEOUT/.test(e.code ?? '')) {
        throw new QuoteProviderError(`Alpha Vantage did not answer within ${this.opts.timeoutMs} ms`, 'timeout');
      }
      throw new QuoteProviderError(`Alpha Vantage is unreachable: ${e.code ?? (err as Error).message}`);
    }
    return this.parse(symbol, body);
  }

  private parse(symbol: string, body: unknown): StockQuote {
    const doc = (body ?? {}) as Record<string, unknown>;
    // "Error Message" is a bad request or key (retrying cannot help); "Information"/"Note" is the rate limit.
    const refusal = doc['Error Message'];
    if (typeof refusal === 'string')
      throw new QuoteProviderError(`Alpha Vantage refused the request: ${refusal}`, 'rejected');
    const limit = doc['Information'] ?? doc['Note'];
    if (typeof limit === 'string')
      throw new QuoteProviderError(`Alpha Vantage refused the request: ${limit}`, 'unavailable');
    const quote = doc['Global Quote'] as Record<string, string> | undefined;
    if (!quote || typeof quote !== 'object')
      throw new QuoteProviderError('Alpha Vantage answered without a "Global Quote" object');
    if (Object.keys(quote).length === 0) throw new UnknownSymbolError(`Alpha Vantage has no quote for ${symbol}`);
    const price = Number(quote[fields.price]);
    if (!Number.isFinite(price))
      throw new QuoteProviderError(`Alpha Vantage sent an unreadable price: ${quote[fields.price]}`);
    const ticker = (quote[fields.symbol] ?? symbol).toUpperCase();
    const suffix = ticker.includes('.') ? ticker.slice(ticker.lastIndexOf('.') + 1) : '';
    const day = quote[fields.day];
    return {
      symbol: ticker,
      price,
      currency: currencyBySuffix[suffix] ?? 'USD',
      as_of: day ? new Date(`${day}T00:00:00Z`).toISOString() : new Date().toISOString(),
      source: `Alpha Vantage GLOBAL_QUOTE (latest trading day ${day ?? 'unknown'})`,
    };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
