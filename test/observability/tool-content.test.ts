/**
 * Tool arguments and results on `tools/call` spans are opt-in (OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT),
 * and even then a session handle or idempotency key reaches a span only hashed. The IT and Finance MCP servers run
 * from their entry point (one IT server with capture on, one with it off), exporting to a local OTLP/HTTP receiver;
 * this process is the orchestrator's side: its pooled MCP client, with telemetry started as the orchestrator's edge
 * starts it, so the CLIENT spans go through the real SDK and exporter too.
 */
import { createHash } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpClientPool } from '../../orchestrator/mcp/client-pool';
import { startTelemetry, type Telemetry } from '../../shared/telemetry';
import { startOtlpCollector, type CollectedSpan, type OtlpCollectorFake } from '../fakes/otlp-collector';
import { startFinanceStack, type FinanceStack } from '../support/finance-stack';
import { startItStack, type ItStack } from '../support/it-stack';
import { spawnMcpServer, waitFor, type Spawned } from '../support/processes';
import { testConfig } from '../support/temporal';
import { CLIENT, render, SERVER } from './spans';

const CAPTURE = { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true' };
const ORCHESTRATOR = 'worker:orchestrator';
const IT_PLAIN = 'mcp:it-without-content';

let collector: OtlpCollectorFake;
let finance: FinanceStack;
let itStack: ItStack;
const servers: { proc: Spawned; url: string }[] = [];
let telemetry: Telemetry;
let pool: McpClientPool;

const portOf = (url: string) => Number(new URL(url).port);
const sha = (v: string) => `sha256:${createHash('sha256').update(v).digest('hex').slice(0, 16)}`;
const sessionOf = (result: CallToolResult) => (result.structuredContent as { session_id?: unknown }).session_id;
const content = (span: CollectedSpan, which: 'arguments' | 'result') => {
  const value = span.attributes[`gen_ai.tool.call.${which}`];
  return typeof value === 'string' ? (JSON.parse(value) as Record<string, unknown>) : value;
};

/** The one `tools/call` span of a tool in a service, of a kind, that `match` picks; waits for its batch to arrive. */
async function toolSpan(
  service: string,
  kind: number,
  tool: string,
  match: (s: CollectedSpan) => boolean = () => true,
): Promise<CollectedSpan> {
  const find = () =>
    collector.spans.filter(
      (s) => s.service === service && s.kind === kind && s.name === `tools/call ${tool}` && match(s),
    );
  await waitFor(`the ${service} span of ${tool}`, () => find().length > 0, 30_000);
  const found = find();
  if (found.length !== 1) throw new Error(`expected one ${tool} span from ${service}:\n${render(collector.spans)}`);
  return found[0]!;
}

beforeAll(async () => {
  collector = await startOtlpCollector();
  finance = await startFinanceStack();
  itStack = await startItStack();
  const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_BSP_SCHEDULE_DELAY: '100' };
  const temporal = testConfig().temporal.address;
  const [itOn, financeOn, itOff] = await Promise.all([
    spawnMcpServer('mcp-servers/it/main.ts', 'IT_MCP_PORT', { ...itStack.env, ...otel, ...CAPTURE }),
    spawnMcpServer('mcp-servers/finance/main.ts', 'FINANCE_MCP_PORT', {
      TEMPORAL_ADDRESS: temporal,
      FINANCE_TASK_QUEUE: finance.taskQueue,
      ...otel,
      ...CAPTURE,
    }),
    spawnMcpServer('mcp-servers/it/main.ts', 'IT_MCP_PORT', { ...itStack.env, ...otel, OTEL_SERVICE_NAME: IT_PLAIN }),
  ]);
  servers.push(itOn, financeOn, itOff);
  // This process's edge, as the orchestrator worker's: the exporter and batching read the process environment.
  Object.assign(process.env, otel, CAPTURE, { OTEL_METRICS_EXPORTER: 'none' });
  telemetry = await startTelemetry(ORCHESTRATOR);
  pool = new McpClientPool({
    servers: { it: itOn.url, finance: financeOn.url, itPlain: itOff.url },
    requestTimeoutMs: 30_000,
  });
}, 180_000);

afterAll(async () => {
  await pool?.close();
  await telemetry?.shutdown();
  await Promise.all(servers.map((s) => s.proc.kill('SIGTERM')));
  await itStack?.close();
  await finance?.close();
  await collector?.close();
});

describe('tool content on tools/call spans', () => {
  it('on: arguments and results on both sides, handles and keys only hashed; off: none', async () => {
    expect(telemetry.enabled).toBe(true);
    const keys = ['idem-key-open-session-0001', 'idem-key-roi-0002', 'idem-key-plain-0003'];

    // A new IT session: the server mints the handle and returns it in the result.
    const opened = await pool.callTool('it', {
      name: 'set_jira_project',
      arguments: { project: 'DEMO' },
      idempotencyKey: keys[0],
    });
    expect(opened.isError ?? false).toBe(false);
    const handle = sessionOf(opened) as string;
    expect(handle).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // The handle passed back as an argument.
    const metrics = await pool.callTool('it', { name: 'get_jira_metrics', arguments: { session_id: handle } });
    expect(metrics.isError ?? false).toBe(false);
    const roi = await pool.callTool('finance', {
      name: 'calculate_roi',
      arguments: { principal: 1000, annual_rate: 0.05, years: 2 },
      idempotencyKey: keys[1],
    });
    expect(roi.isError ?? false).toBe(false);
    // The same calls to a server with capture off.
    const plainOpened = await pool.callTool('itPlain', {
      name: 'set_jira_project',
      arguments: { project: 'OPS' },
      idempotencyKey: keys[2],
    });
    const plainHandle = sessionOf(plainOpened) as string;
    expect(plainHandle).toMatch(/^[A-Za-z0-9_-]{22}$/);
    await pool.callTool('itPlain', { name: 'get_jira_metrics', arguments: { session_id: plainHandle } });
    await telemetry.shutdown();

    // Both sides of the IT calls, handle hashed in the result that minted it and in the arguments that pass it back.
    const toIt = (s: CollectedSpan) => s.kind === SERVER || s.attributes['server.port'] === portOf(pool.url('it'));
    for (const [service, kind] of [
      [ORCHESTRATOR, CLIENT],
      ['mcp:it', SERVER],
    ] as const) {
      const set = await toolSpan(service, kind, 'set_jira_project', toIt);
      expect(content(set, 'arguments')).toEqual({ project: 'DEMO' });
      expect(content(set, 'result')).toMatchObject({ session_id: sha(handle), jira_project: 'DEMO' });
      const read = await toolSpan(service, kind, 'get_jira_metrics', toIt);
      expect(content(read, 'arguments')).toEqual({ session_id: sha(handle) });
      expect(content(read, 'result')).toMatchObject({ session_id: sha(handle), project: 'DEMO' });
    }
    // Finance: a plain calculation, recorded as it is; the server records the arguments as its schema parsed them.
    const roiArgs = { principal: 1000, annual_rate: 0.05, years: 2 };
    const sent = await toolSpan(ORCHESTRATOR, CLIENT, 'calculate_roi');
    const served = await toolSpan('mcp:finance', SERVER, 'calculate_roi');
    expect(content(sent, 'arguments')).toEqual(roiArgs);
    expect(content(served, 'arguments')).toEqual({ ...roiArgs, compounding: 'yearly' });
    for (const span of [sent, served])
      expect(content(span, 'result')).toMatchObject({ ...roiArgs, final_value: 1102.5, gain: 102.5 });
    // Capture off: the server's spans are there, without content.
    for (const tool of ['set_jira_project', 'get_jira_metrics']) {
      const span = await toolSpan(IT_PLAIN, SERVER, tool);
      expect(span.attributes['gen_ai.tool.name']).toBe(tool);
      expect(span.attributes).not.toHaveProperty('gen_ai.tool.call.arguments');
      expect(span.attributes).not.toHaveProperty('gen_ai.tool.call.result');
    }

    // No raw handle or key anywhere in any span that was exported, from any process.
    const everything = JSON.stringify(collector.spans);
    for (const secret of [handle, plainHandle, ...keys]) expect(everything).not.toContain(secret);
  });
});
