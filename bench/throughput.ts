/**
 * Row 4b: `calculate_roi` over MCP under a sustained load (8 callers, back to back, 20 s): p50 and p99, where a
 * periodic stall would show (it did: ~2 s every few seconds, from the dev server's task queue partitions; see
 * DEV_SERVER_DYNAMIC_CONFIG in shared/temporal/dev-server.ts).
 *
 * Row 4: calls per second at concurrency 1, 8, 32 and 128 — bare execute, `tools/call`, and `tools/call` with
 * `--with-worker`. Each rate is measured in four slices in mirrored order (A B C, C B A, A B C, C B A) and the slices'
 * rates averaged, so that a change in the machine's load hits all three alike.
 */
import { roiCalls } from './finance';
import { GOALS, judge, REPORTED } from './goals';
import type { Harness, Need } from './harness';
import { summarize, sustained, throughput } from './stats';
import type { Row } from './table';

export const name = 'throughput';
export const description = 'Finance calls/s at concurrency 1, 8, 32, 128: bare execute, tools/call, --with-worker';
export const needs: readonly Need[] = ['temporal', 'finance', 'finance-with-worker'];

export async function run(h: Harness): Promise<Row[]> {
  const roi = roiCalls(h);
  const rows: Row[] = [];
  for (const concurrency of [1, 8, 32, 128]) {
    const total = h.n({ 1: 100, 8: 400, 32: 640, 128: 1024 }[concurrency]!);
    const slice = Math.max(concurrency, Math.round(total / 4));
    const variants = [roi.bare, roi.mcp, roi.colocated];
    for (const call of variants) await throughput(call, concurrency, Math.min(slice, 2 * concurrency)); // opens the connections at this width
    const rates = [0, 0, 0];
    for (const order of [
      [0, 1, 2],
      [2, 1, 0],
      [0, 1, 2],
      [2, 1, 0],
    ])
      for (const i of order) rates[i]! += (await throughput(variants[i]!, concurrency, slice)) / 4;
    const [bare, viaMcp, viaColocated] = rates as [number, number, number];
    rows.push({
      goal: `4 throughput at concurrency ${concurrency}`,
      baseline: `${bare.toFixed(0)}/s execute`,
      ours: `${viaMcp.toFixed(0)}/s tools/call`,
      ratio: viaMcp / bare,
      // Held at 32 only: at 1 and 8 tools/call pays the hop's latency, at 128 the dev server is the bound.
      ...judge(concurrency === 32 ? GOALS['4 c=32'] : REPORTED, viaMcp / bare),
      note: `--with-worker: ${viaColocated.toFixed(0)}/s`,
    });
  }
  const seconds = h.quick ? 5 : 20;
  const load = summarize(await sustained(roi.mcp, 8, seconds * 1000));
  rows.push({
    goal: `4b calculate_roi tools/call, 8 callers back to back for ${seconds} s`,
    baseline: '',
    ours: `p50 ${load.p50.toFixed(1)} ms, p99 ${load.p99.toFixed(1)} ms`,
    mine: load,
    ratio: load.p99 / load.p50,
    ...judge(GOALS['4b'], load.p99 / load.p50),
    note: `${load.n} calls`,
  });
  return rows;
}
