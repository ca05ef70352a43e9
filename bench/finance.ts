/**
 * Rows 1, 1b, 1c and 1d: Finance `tools/call` against a bare `client.workflow.execute` of the same workflow, with the
 * worker in its own process (as `npm run services`) and in the server's (`--with-worker`, eager start); what the
 * local activity saves; and ours against a plain SDK v2 server making that same execute (the floor with Temporal).
 */
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { executeRoi } from './baseline-calls';
import { GOALS, judge, REPORTED } from './goals';
import { ROI, type Harness, type Need } from './harness';
import { floorRatio, mcpLayerFloor } from './mcp-layer';
import { interleaved, ms, summarize } from './stats';
import { pair, type Row } from './table';

export const name = 'finance';
export const description =
  'Finance tools/call vs a bare execute of its workflow: separate worker, --with-worker, local activity';
export const needs: readonly Need[] = [
  'temporal',
  'finance',
  'finance-with-worker',
  'eager-baseline',
  'layer-servers',
  'plain-temporal',
];

/**
 * `calculate_roi` four ways: a bare execute, through the Finance server, through the `--with-worker` server, and
 * through a plain SDK v2 server making the bare execute (each resource is looked up when first called).
 */
export function roiCalls(h: Harness) {
  const finance = new Client({
    connection: h.use('temporal').connection,
    namespace: h.config.temporal.namespaces.finance,
  });
  const { taskQueue } = h.config.finance;
  return {
    finance,
    bare: () => executeRoi(finance, taskQueue, ROI),
    mcp: () => h.callTool(h.use('finance').url, 'calculate_roi', ROI),
    colocated: () => h.callTool(h.use('finance-with-worker').url, 'calculate_roi', ROI),
    plain: () => h.callTool(h.use('plain-temporal').url, 'calculate_roi', ROI),
  };
}

export async function run(h: Harness): Promise<Row[]> {
  const { hopAroundWait, rows: floorRows } = await mcpLayerFloor(h);
  const roi = roiCalls(h);
  const rows: Row[] = [...floorRows];
  // Rows 1 and 1b are reported: their floor is 1d's plain SDK v2 server, which is what 1d holds us to.
  const reported = judge(REPORTED);

  // 1. Separate worker; in the same rounds a plain SDK v2 server making the same execute, for the floor (1d).
  const s1 = await interleaved({ bare: roi.bare, plain: roi.plain, mcp: roi.mcp }, h.n(400), h.n(40));
  const b1 = summarize(s1.bare!);
  const p1 = summarize(s1.plain!);
  const m1 = summarize(s1.mcp!);
  const floor1 = `floor ${(p1.p50 / b1.p50).toFixed(2)}× (a plain SDK v2 server making the same execute, 1d); ${floorRatio(b1, hopAroundWait, '0b')}`;
  rows.push(
    pair(
      '1 Finance tools/call vs workflow.execute (separate worker)',
      'execute',
      'tools/call',
      b1,
      m1,
      reported.target,
      reported.met,
      floor1,
    ),
    {
      goal: '1 Finance tools/call p50 (separate worker)',
      baseline: '',
      ours: ms(m1.p50),
      ...reported,
      note: `bare execute ${ms(b1.p50)}`,
    },
    {
      goal: '1 MCP layer added at p50 (tools/call − execute)',
      baseline: '',
      ours: ms(m1.p50 - b1.p50),
      ...reported,
      note: `a plain SDK v2 server making the same execute adds ${ms(p1.p50 - b1.p50)} (1d); around a bare wait ${ms(hopAroundWait)} (0b)`,
    },
  );

  // 1b. The worker in the server's process (eager start), against eager execute from a process with its worker.
  h.say('bench:   --with-worker');
  const s1b = await interleaved(
    { bare: h.use('eager-baseline').execute, colocated: roi.colocated, separate: roi.mcp },
    h.n(400),
    h.n(40),
  );
  const b1b = summarize(s1b.bare!);
  const m1b = summarize(s1b.colocated!);
  const sep1b = summarize(s1b.separate!);
  rows.push(
    pair(
      '1b Finance tools/call --with-worker vs eager execute (worker in-process)',
      'eager execute',
      'tools/call',
      b1b,
      m1b,
      reported.target,
      reported.met,
      floorRatio(b1b, hopAroundWait, '0b'),
    ),
    {
      goal: '1b Finance tools/call p50 --with-worker',
      baseline: '',
      ours: ms(m1b.p50),
      ...reported,
      note: `MCP layer ${ms(m1b.p50 - b1b.p50)}; separate worker in the same rounds ${ms(sep1b.p50)} (${(sep1b.p50 / m1b.p50).toFixed(2)}× as long)`,
    },
  );

  // 1c. What the local activity saves: calculate_roi (local activity) vs stock_price (scheduled activity, sample data), bare.
  const bareQuote = () =>
    roi.finance.workflow.execute('stockPriceWorkflow', {
      taskQueue: h.config.finance.taskQueue,
      workflowId: `bench-quote-${randomUUID()}`,
      args: [{ symbol: 'AAPL' }],
    });
  const s1c = await interleaved({ activity: bareQuote, local: roi.bare }, h.n(200), h.n(20));
  rows.push(
    pair(
      '1c one-activity workflow: local activity (calculate_roi) vs scheduled (stock_price)',
      'scheduled',
      'local',
      summarize(s1c.activity!),
      summarize(s1c.local!),
      reported.target,
      reported.met,
    ),
  );

  // 1d. From row 1's rounds: what our layer adds over the floor with the same Temporal work behind it.
  const goal1d = judge(GOALS['1d'], m1.p50 / p1.p50);
  rows.push(
    pair(
      '1d Finance tools/call: ours vs a plain SDK v2 server making the same execute',
      'plain SDK v2 + execute',
      'ours',
      p1,
      m1,
      goal1d.target,
      goal1d.met,
      `ours adds ${ms(m1.p50 - p1.p50)}; the plain server adds ${ms(p1.p50 - b1.p50)} to the bare execute (${ms(b1.p50)})`,
    ),
  );
  return rows;
}
