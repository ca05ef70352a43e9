/**
 * A local stand-in for Alpha Vantage that answers GLOBAL_QUOTE in its real response format (status 200 with a JSON
 * body, errors as "Error Message" / "Information" documents), plus a hang mode for timeouts.
 */
import { sendJson, startHttpFake, type HttpFake } from './http-fake';

export type AlphaVantageMode = 'ok' | 'bad-key' | 'rate-limited' | 'http-500' | 'hang';

export interface AlphaVantageFake extends HttpFake {
  mode: AlphaVantageMode;
}

export const fakePrices: Record<string, string> = { IBM: '222.9700', AAPL: '227.4800', 'TSCO.LON': '365.2000' };

export async function startAlphaVantageFake(apiKey = 'test-key'): Promise<AlphaVantageFake> {
  const fake = (await startHttpFake((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const symbol = url.searchParams.get('symbol') ?? '';
    switch (fake.mode) {
      case 'hang':
        return; // never answers
      case 'http-500':
        return void res.writeHead(500).end('internal error');
      case 'rate-limited':
        return sendJson(res, 200, {
          Information: 'Thank you for using Alpha Vantage! Our standard API rate limit is 25 requests per day.',
        });
      case 'bad-key':
        break;
      case 'ok':
        break;
    }
    if (url.pathname !== '/query' || url.searchParams.get('function') !== 'GLOBAL_QUOTE') {
      return sendJson(res, 200, { 'Error Message': 'This API function () does not exist.' });
    }
    if (fake.mode === 'bad-key' || url.searchParams.get('apikey') !== apiKey) {
      return sendJson(res, 200, {
        'Error Message':
          'the parameter apikey is invalid or missing. Please claim your free API key on (https://www.alphavantage.co/support/#api-key).',
      });
    }
    const price = fakePrices[symbol.toUpperCase()];
    if (!price) return sendJson(res, 200, { 'Global Quote': {} });
    sendJson(res, 200, {
      'Global Quote': {
        '01. symbol': symbol.toUpperCase(),
        '02. open': '220.1000',
        '03. high': '223.5000',
        '04. low': '219.8000',
        '05. price': price,
        '06. volume': '3215487',
        '07. latest trading day': '2026-11-20',
        '08. previous close': '220.5000',
        '09. change': '2.4700',
        '10. change percent': '1.1202%',
      },
    });
  })) as AlphaVantageFake;
  fake.mode = 'ok';
  return fake;
}
