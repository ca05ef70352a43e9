/**
 * Rows 2 and 2b: IT tools on a 2026-07-28 session handle against the bare Temporal operation each makes:
 * `set_jira_project` with a `session_id` vs the `sessionWrite` Signal, `get_ip_history` vs the `sessionState` Query;
 * and, in the same rounds, a plain SDK v2 server making that same Signal or Query (the floor with Temporal, 2b).
 */
import { itSessionClient, readSessionState, sessionOf, writeJiraProject } from './baseline-calls';
import { GOALS, judge, REPORTED } from './goals';
import type { Harness, Need } from './harness';
import { floorRatio, mcpLayerFloor } from './mcp-layer';
import { interleaved, ms, summarize } from './stats';
import { pair, type Row } from './table';

export const name = 'it';
export const description = 'IT write and read on a session handle vs the bare Signal and Query they use';
export const needs: readonly Need[] = ['temporal', 'it', 'layer-servers', 'plain-temporal'];

export async function run(h: Harness): Promise<Row[]> {
  const { atOnce, rows: floorRows } = await mcpLayerFloor(h);
  const itUrl = h.use('it').url;
  const plainUrl = h.use('plain-temporal').url;
  const sessions = itSessionClient(h.use('temporal').connection, h.config.temporal.namespaces.it);
  const opened = await h.callTool(itUrl, 'set_jira_project', { project: 'OPS' });
  const sessionId = String(opened.session_id);
  const session = sessionOf(sessions, sessionId);
  const s2w = await interleaved(
    {
      bare: () => writeJiraProject(session, 'OPS'),
      plain: () => h.callTool(plainUrl, 'set_jira_project', { project: 'OPS', session_id: sessionId }),
      mcp: () => h.callTool(itUrl, 'set_jira_project', { project: 'OPS', session_id: sessionId }),
    },
    h.n(400),
    h.n(40),
  );
  const s2r = await interleaved(
    {
      bare: () => readSessionState(session),
      plain: () => h.callTool(plainUrl, 'get_ip_history', { session_id: sessionId }),
      mcp: () => h.callTool(itUrl, 'get_ip_history', { session_id: sessionId }),
    },
    h.n(400),
    h.n(40),
  );
  const rows: Row[] = [...floorRows];
  const floors: Row[] = [];
  for (const [kind, label, baseline, s] of [
    ['write', 'set_jira_project vs the sessionWrite Signal', 'signal', s2w],
    ['read', 'get_ip_history vs the sessionState Query', 'query', s2r],
  ] as const) {
    const b = summarize(s.bare!);
    const p = summarize(s.plain!);
    const m = summarize(s.mcp!);
    // Row 2 is reported; 2b, ours against a plain SDK v2 server making the same call, is the goal.
    const reported = judge(REPORTED);
    const goal2b = judge(GOALS['2b'], m.p50 / p.p50);
    // A signal or query is short: the no-Temporal estimate is the plain SDK v2 server's hop without a wait (0).
    rows.push(
      pair(
        `2 IT ${kind} ${label}`,
        baseline,
        'tools/call',
        b,
        m,
        reported.target,
        reported.met,
        `MCP layer ${ms(m.p50 - b.p50)}; floor ${(p.p50 / b.p50).toFixed(2)}× (a plain SDK v2 server making the same ${baseline}, 2b); ${floorRatio(b, atOnce.p50, '0')}`,
      ),
    );
    floors.push(
      pair(
        `2b IT ${kind}: ours vs a plain SDK v2 server making the same ${baseline}`,
        `plain SDK v2 + ${baseline}`,
        'ours',
        p,
        m,
        goal2b.target,
        goal2b.met,
        `ours adds ${ms(m.p50 - p.p50)}; the plain server adds ${ms(p.p50 - b.p50)} to the bare ${baseline} (${ms(b.p50)})`,
      ),
    );
  }
  return [...rows, ...floors];
}
