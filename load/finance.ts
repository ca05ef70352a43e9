/** Finance: `calculate_roi` and `stock_price` at a fixed concurrency, every answer checked against the formula or quote. */
import { throughput } from '../bench/stats';
import { SampleQuoteProvider } from '../tool-workers/finance/quotes/sample';
import { compoundGrowth } from '../tool-workers/finance/roi';
import type { LoadHarness } from './harness';
import { Recorder } from './recorder';

export const name = 'finance';
export const phase = 'finance';

/** The symbols asked for (and the conversations' questions ask about). */
export const symbols = ['AAPL', 'MSFT', 'NVDA', 'GOOGL', 'AMZN', 'IBM', 'KO', 'SPY'];

export async function warmUp({ callTool, urls }: LoadHarness): Promise<void> {
  await throughput(
    () => callTool(urls.finance, 'calculate_roi', { principal: 1000, annual_rate: 0.05, years: 10 }),
    8,
    24,
  );
  await throughput(() => callTool(urls.finance, 'stock_price', { symbol: 'AAPL' }), 8, 24);
}

export async function run({ plan, callTool, urls }: LoadHarness, progress: (line: string) => void) {
  progress(`Finance, ${plan.financeCalls} calls at concurrency ${plan.financeConcurrency}`);
  const finance = new Recorder();
  const quotes = new SampleQuoteProvider();
  const wrongAnswers: string[] = [];
  let issued = 0;
  const financeStart = Date.now();
  await Promise.all(
    Array.from({ length: plan.financeConcurrency }, async () => {
      while (issued < plan.financeCalls) {
        const i = issued++;
        try {
          if (i % 2 === 0) {
            const input = {
              principal: 1000 + (i % 97) * 250,
              annual_rate: 0.01 + (i % 9) / 100,
              years: 1 + (i % 30),
              compounding: 'yearly' as const,
            };
            const out = await finance.time('calculate_roi', () => callTool(urls.finance, 'calculate_roi', input));
            const expected = compoundGrowth(input).final_value;
            if (out.final_value !== expected)
              wrongAnswers.push(`calculate_roi ${JSON.stringify(input)}: ${out.final_value} ≠ ${expected}`);
          } else {
            const symbol = symbols[i % symbols.length]!;
            const out = await finance.time('stock_price', () => callTool(urls.finance, 'stock_price', { symbol }));
            const expected = await quotes.quote(symbol);
            if (out.symbol !== symbol || out.price !== expected.price)
              wrongAnswers.push(`stock_price ${symbol}: ${out.symbol} ${out.price} ≠ ${expected.price}`);
          }
        } catch {
          // counted by the recorder
        }
      }
    }),
  );
  const financeSeconds = (Date.now() - financeStart) / 1000;
  return {
    rows: [
      finance.row(`Finance: ${plan.financeCalls} calls at concurrency ${plan.financeConcurrency}`, financeSeconds, {
        checked: 'every answer against the sample quote / the ROI formula',
        mismatches: wrongAnswers.length,
      }),
      ...finance.kindRows(financeSeconds),
    ],
    details: { wrongAnswers: wrongAnswers.slice(0, 20), errors: finance.firstErrors },
  };
}
