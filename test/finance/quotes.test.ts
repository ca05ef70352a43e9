import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlphaVantageQuoteProvider } from '../../tool-workers/finance/quotes/alpha-vantage';
import { QuoteProviderError, UnknownSymbolError } from '../../tool-workers/finance/quotes/provider';
import { startAlphaVantageFake, type AlphaVantageFake } from '../fakes/alpha-vantage';
import { postMcp, toolCall } from '../support/mcp-client';
import { startFinanceStack, type FinanceStack } from '../support/finance-stack';

let fake: AlphaVantageFake;
let provider: AlphaVantageQuoteProvider;

beforeAll(async () => {
  fake = await startAlphaVantageFake('test-key');
  provider = new AlphaVantageQuoteProvider({ apiKey: 'test-key', baseUrl: fake.url, timeoutMs: 300 });
});
afterAll(async () => {
  await provider?.close();
  await fake?.close();
});

describe('Alpha Vantage quote provider (against a fake speaking its format)', () => {
  it('reads a GLOBAL_QUOTE answer', async () => {
    fake.mode = 'ok';
    expect(await provider.quote('IBM')).toEqual({
      symbol: 'IBM',
      price: 222.97,
      currency: 'USD',
      as_of: '2026-11-20T00:00:00.000Z',
      source: 'Alpha Vantage GLOBAL_QUOTE (latest trading day 2026-11-20)',
    });
    expect((await provider.quote('TSCO.LON')).currency).toBe('GBX');
    const sent = new URL(fake.requests.at(-1)!.url, 'http://x');
    expect(Object.fromEntries(sent.searchParams)).toEqual({
      function: 'GLOBAL_QUOTE',
      symbol: 'TSCO.LON',
      apikey: 'test-key',
    });
  });

  it('an empty Global Quote means an unknown symbol', async () => {
    fake.mode = 'ok';
    await expect(provider.quote('NOPE')).rejects.toBeInstanceOf(UnknownSymbolError);
  });

  it.each([
    ['bad-key', /refused the request: the parameter apikey is invalid/],
    ['rate-limited', /refused the request: Thank you for using Alpha Vantage/],
    ['http-500', /answered HTTP 500/],
    ['hang', /did not answer within 300 ms/],
  ] as const)('%s becomes a QuoteProviderError', async (mode, message) => {
    fake.mode = mode;
    const attempt = provider.quote('IBM');
    await expect(attempt).rejects.toBeInstanceOf(QuoteProviderError);
    await expect(attempt).rejects.toThrowError(message);
  });
});

describe('provider failures through MCP are tool errors', () => {
  let stack: FinanceStack;
  beforeAll(async () => {
    stack = await startFinanceStack({ quotes: provider });
  });
  afterAll(() => stack?.close());

  it('a live quote comes through the workflow', async () => {
    fake.mode = 'ok';
    const res = await postMcp(stack.url, toolCall('stock_price', { symbol: 'AAPL' }));
    expect(res.json.result.structuredContent).toMatchObject({ symbol: 'AAPL', price: 227.48, source: /Alpha Vantage/ });
  });

  it('a provider that keeps failing: retried (bounded), then a clear tool error', async () => {
    fake.mode = 'http-500';
    const before = stack.quoteCalls.length;
    const res = await postMcp(stack.url, toolCall('stock_price', { symbol: 'IBM' }));
    expect(res.status).toBe(200);
    expect(res.json.result.isError).toBe(true);
    expect(res.json.result.content[0].text).toBe('stock_price failed: Alpha Vantage answered HTTP 500 for IBM');
    expect(stack.quoteCalls.length - before).toBe(3);
  });

  it('a provider that times out: a tool error that says so', async () => {
    fake.mode = 'hang';
    const res = await postMcp(stack.url, toolCall('stock_price', { symbol: 'IBM' }));
    expect(res.json.result.isError).toBe(true);
    expect(res.json.result.content[0].text).toMatch(/stock_price failed: Alpha Vantage did not answer within 300 ms/);
  });

  it('a rejected key is reported, not hidden, and not retried', async () => {
    fake.mode = 'bad-key';
    const before = stack.quoteCalls.length;
    const res = await postMcp(stack.url, toolCall('stock_price', { symbol: 'IBM' }));
    expect(stack.quoteCalls.length - before).toBe(1);
    expect(res.json.result.content[0].text).toMatch(/apikey is invalid/);
    expect(res.json.result.content[0].text).not.toContain('test-key');
  });
});
