/**
 * Rows 0 and 0b: the MCP layer against its floor, no Temporal. A plain SDK v2 server and ours (the Finance server,
 * instant workflow); then both around a wait as long as a workflow, against that wait alone in this process. The
 * Finance and IT benches state their floors from these figures, measured once per run.
 */
import { FLOOR, judge } from './goals';
import { LAYER_WAIT_MS, ROI, type Harness, type Need } from './harness';
import { interleaved, ms, summarize, type Summary } from './stats';
import { pair, type Row } from './table';

export const name = 'mcp-layer';
export const description =
  'the MCP hop without Temporal: our Finance server vs a plain SDK v2 server, at once and around a wait';
export const needs: readonly Need[] = ['layer-servers'];

export interface McpLayerFloor {
  /** Rows 0 and 0b for the first bench of the run that asks (the others' notes cite them), else none. */
  rows: Row[];
  /** A plain SDK v2 server's round trip, answering at once (row 0): the floor around a Signal or Query. */
  atOnce: Summary;
  /** What a plain SDK v2 server adds around a wait as long as a workflow (row 0b, ms at p50): the floor around one. */
  hopAroundWait: number;
}

/**
 * Measured the first time a bench asks for it in a run; benches that use it need 'layer-servers'. The first bench
 * to ask shows rows 0 and 0b too, so that a run without `mcp-layer` still prints the rows its notes cite.
 */
export async function mcpLayerFloor(h: Harness): Promise<McpLayerFloor> {
  const floor = await measure(
    h,
    "bench:   first the MCP layer's floor (mcp-layer's rows 0 and 0b), for this bench's notes",
  );
  return { ...floor, rows: await firstShowing(h, floor.rows) };
}

export async function run(h: Harness): Promise<Row[]> {
  return firstShowing(h, (await measure(h)).rows);
}

async function firstShowing(h: Harness, rows: Row[]): Promise<Row[]> {
  let first = false;
  await h.once('mcp-layer rows shown', async () => (first = true));
  return first ? rows : [];
}

function measure(h: Harness, why?: string): Promise<McpLayerFloor> {
  return h.once('mcp-layer floor', async () => {
    if (why) h.say(why);
    const layer = h.use('layer-servers').urls;
    const floor = (url: string) => () => h.callTool(url, 'add', { a: 2, b: 3 });
    const ours = (url: string) => () => h.callTool(url, 'calculate_roi', ROI);
    const s0 = await interleaved({ floor: floor(layer.floor), ours: ours(layer.ours) }, h.n(2000), h.n(300));
    const b0 = summarize(s0.floor!);
    const m0 = summarize(s0.ours!);
    const s0w = await interleaved(
      {
        wait: () => new Promise((resolve) => setTimeout(resolve, LAYER_WAIT_MS)),
        floor: floor(layer.floorWaiting),
        ours: ours(layer.oursWaiting),
      },
      h.n(400),
      h.n(40),
    );
    const w0 = summarize(s0w.wait!);
    const bw0 = summarize(s0w.floor!);
    const mw0 = summarize(s0w.ours!);
    const hopAroundWait = bw0.p50 - w0.p50;
    const waitNote = `over the wait alone (${ms(w0.p50)}): plain SDK v2 +${ms(hopAroundWait)}, ours +${ms(mw0.p50 - w0.p50)}`;
    // The floors are what any SDK v2 server costs here: shown, never judged.
    const asFloor = judge(FLOOR);
    const rows = [
      pair(
        '0 MCP hop, no Temporal: our Finance server vs a plain SDK v2 server',
        'plain SDK v2',
        'ours',
        b0,
        m0,
        asFloor.target,
        asFloor.met,
        `ours adds ${ms(m0.p50 - b0.p50)}`,
      ),
      pair(
        `0b MCP hop around a ${LAYER_WAIT_MS} ms wait: ours vs plain SDK v2`,
        'plain SDK v2',
        'ours',
        bw0,
        mw0,
        asFloor.target,
        asFloor.met,
        waitNote,
      ),
    ];
    return { rows, atOnce: b0, hopAroundWait };
  });
}

/**
 * The ratio if our layer cost exactly a plain SDK v2 server's hop without Temporal: `hop` from 0b around a workflow,
 * from 0 around a Signal or Query. An estimate: with Temporal behind the hop the server process makes the Temporal
 * call too, which rows 1d and 2b measure.
 */
export function floorRatio(base: Summary, hop: number, row: string): string {
  return `no-Temporal estimate ${((base.p50 + hop) / base.p50).toFixed(2)}× (${row}'s hop added)`;
}
