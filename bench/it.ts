/**
 * Row 2: IT tools on a 2026-07-28 session handle against the bare Temporal operation each makes: `set_jira_project`
 * with a `session_id` vs the `sessionWrite` Signal, `get_ip_history` vs the `sessionState` Query.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowClient } from '@temporalio/client';
import { itSessionWorkflowId } from '../tool-workers/it/sessions';
import { sessionStateQuery, sessionWriteSignal } from '../tool-workers/it/shared';
import type { Harness, Need } from './harness';
import { floorRatio, mcpLayerFloor } from './mcp-layer';
import { interleaved, ms, summarize } from './stats';
import { pair, type Row } from './table';

export const name = 'it';
export const description = 'IT write and read on a session handle vs the bare Signal and Query they use';
export const needs: readonly Need[] = ['temporal', 'it', 'layer-servers'];

export async function run(h: Harness): Promise<Row[]> {
  const { atOnce } = await mcpLayerFloor(h);
  const itUrl = h.use('it').url;
  // Reads refuse closed runs, as the IT server's do (mcp-servers/it/sessions.ts).
  const itWorkflows = new WorkflowClient({
    connection: h.use('temporal').connection,
    namespace: h.config.temporal.namespaces.it,
    queryRejectCondition: 'NOT_OPEN',
  });
  const opened = await h.callTool(itUrl, 'set_jira_project', { project: 'OPS' });
  const sessionId = String(opened.session_id);
  const session = itWorkflows.getHandle(itSessionWorkflowId(sessionId));
  const s2w = await interleaved(
    {
      bare: () =>
        session.signal(sessionWriteSignal, { kind: 'set_jira_project', project: 'OPS', requestId: randomUUID() }),
      mcp: () => h.callTool(itUrl, 'set_jira_project', { project: 'OPS', session_id: sessionId }),
    },
    h.n(400),
    h.n(40),
  );
  const s2r = await interleaved(
    {
      bare: () => session.query(sessionStateQuery),
      mcp: () => h.callTool(itUrl, 'get_ip_history', { session_id: sessionId }),
    },
    h.n(400),
    h.n(40),
  );
  const rows: Row[] = [];
  for (const [label, baseline, s] of [
    ['write set_jira_project vs the sessionWrite Signal', 'signal', s2w],
    ['read get_ip_history vs the sessionState Query', 'query', s2r],
  ] as const) {
    const b = summarize(s.bare!);
    const m = summarize(s.mcp!);
    // A signal or query is short: the hop's floor here is the plain SDK v2 server's without a wait (0).
    rows.push(
      pair(
        `2 IT ${label}`,
        baseline,
        'tools/call',
        b,
        m,
        'p50 ≤ 1.2×',
        m.p50 / b.p50 <= 1.2,
        `MCP layer ${ms(m.p50 - b.p50)}; ${floorRatio(b, atOnce.p50)}`,
      ),
    );
  }
  return rows;
}
