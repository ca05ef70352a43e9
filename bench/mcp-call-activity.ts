/**
 * Rows 3 and 3b: the orchestrator's `callMcpTool` activity (pooled SDK v2 client) against the activity of
 * `@temporalio/openai-agents`' `StatelessMCPServerProvider` (a new MCP connection per operation), on the same Finance
 * server; then the same for `tools/list`, which has no workflow behind it.
 */
import { randomUUID } from 'node:crypto';
import { MCPServerStreamableHttp } from '@openai/agents-core';
import { StatelessMCPServerProvider } from '@temporalio/openai-agents';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createOrchestratorActivities } from '../orchestrator/activities';
import { McpClientPool } from '../orchestrator/mcp/client-pool';
import { SampleWeatherProvider } from '../orchestrator/tools/weather';
import { GOALS, judge, REPORTED } from './goals';
import { ROI, type Harness, type Need } from './harness';
import { interleaved, ms, summarize } from './stats';
import { pair, type Row } from './table';

export const name = 'mcp-call-activity';
export const description = "the orchestrator's pooled MCP call activity vs the official StatelessMCPServerProvider";
export const needs: readonly Need[] = ['finance'];

export async function run(h: Harness): Promise<Row[]> {
  const financeUrl = h.use('finance').url;
  const pool = new McpClientPool({ servers: { finance: financeUrl }, requestTimeoutMs: 30_000 });
  try {
    const ours = createOrchestratorActivities({ mcp: pool, weather: new SampleWeatherProvider() });
    const provider = new StatelessMCPServerProvider(
      'finance',
      () => new MCPServerStreamableHttp({ name: 'finance', url: financeUrl }),
    );
    const providerActivities = provider._getActivities();
    const officialCall = Object.entries(providerActivities).find(([name]) =>
      /call-tool|callTool|call_tool/i.test(name),
    )![1];
    let activitySeq = 0;
    const runId = randomUUID();
    const s3 = await interleaved(
      {
        official: () => officialCall({ toolName: 'calculate_roi', args: ROI }),
        pooled: () =>
          new MockActivityEnvironment({
            workflowExecution: { workflowId: 'bench-conversation', runId },
            activityId: String(++activitySeq),
          }).run(ours.callMcpTool, {
            server: 'finance' as const,
            tool: 'calculate_roi',
            arguments: ROI,
          }),
      },
      h.n(200),
      h.n(20),
    );
    const b3 = summarize(s3.official!);
    const m3 = summarize(s3.pooled!);
    // The same for an operation with no workflow behind it (tools/list): the connection's cost alone.
    const officialList = Object.entries(providerActivities).find(([name]) =>
      /list-tools|listTools|list_tools/i.test(name),
    )![1];
    const s3l = await interleaved(
      { official: () => officialList({}), pooled: () => pool.listTools('finance') },
      h.n(300),
      h.n(30),
    );
    const b3l = summarize(s3l.official!);
    const m3l = summarize(s3l.pooled!);
    // Both pay the same workflow; the official activity adds one connection's set-up (3b): the most its lead can be.
    const connectionCost = b3l.p50 - m3l.p50;
    const goal3 = judge(GOALS['3'], b3.p50 / m3.p50);
    const reported = judge(REPORTED);
    return [
      {
        ...pair(
          '3 MCP call activity: pooled vs StatelessMCPServerProvider',
          'new connection/op',
          'pooled client',
          b3,
          m3,
          goal3.target,
          goal3.met,
        ),
        ratio: b3.p50 / m3.p50,
        note: `ratio = official / ours; a new connection costs ${ms(connectionCost)} (3b), so with the same workflow behind both the ratio is at most ${((m3.p50 + connectionCost) / m3.p50).toFixed(2)}`,
      },
      {
        ...pair(
          '3b tools/list: pooled vs StatelessMCPServerProvider',
          'new connection/op',
          'pooled client',
          b3l,
          m3l,
          reported.target,
          reported.met,
        ),
        ratio: b3l.p50 / m3l.p50,
        note: 'ratio = official / ours',
      },
    ];
  } finally {
    await pool.close();
  }
}
