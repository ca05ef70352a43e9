/**
 * The MCP server's SERVER span continues the caller's trace however the context arrives: in the request's `_meta`
 * (SEP-414) on the 2025-era protocol over HTTP and over stdio, in the HTTP `traceparent` header alone, and with both
 * `_meta` wins. A tool error is marked `error.type=tool_error`. The servers run from their entry point with only the
 * OTEL_* variables set, exporting to a local OTLP/HTTP receiver.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpCollector, type CollectedSpan, type OtlpCollectorFake } from '../fakes/otlp-collector';
import { startFinanceStack, type FinanceStack } from '../support/finance-stack';
import { spawnMcpServer, waitFor, type Spawned } from '../support/processes';
import { testConfig } from '../support/temporal';
import { projectRoot } from '../../shared/config';

let collector: OtlpCollectorFake;
let stack: FinanceStack;
let server: { proc: Spawned; url: string };
let otelEnv: Record<string, string>;

/** A W3C traceparent of a made-up caller span, as another process would send it. */
function callerContext(): { traceId: string; spanId: string; traceparent: string } {
  const hex = (n: number) =>
    [...crypto.getRandomValues(new Uint8Array(n))].map((b) => b.toString(16).padStart(2, '0')).join('');
  const traceId = hex(16);
  const spanId = hex(8);
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

async function serverSpan(traceId: string, service = 'mcp:finance'): Promise<CollectedSpan> {
  const find = () => collector.spans.find((s) => s.traceId === traceId && s.service === service && s.kind === 2);
  await waitFor(`the SERVER span of trace ${traceId}`, () => find() !== undefined, 30_000);
  return find()!;
}

async function httpClient(headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'trace-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers } }));
  return client;
}

beforeAll(async () => {
  collector = await startOtlpCollector();
  stack = await startFinanceStack();
  otelEnv = { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_BSP_SCHEDULE_DELAY: '100' };
  server = await spawnMcpServer('mcp-servers/finance/main.ts', 'FINANCE_MCP_PORT', {
    TEMPORAL_ADDRESS: testConfig().temporal.address,
    FINANCE_TASK_QUEUE: stack.taskQueue,
    ...otelEnv,
  });
}, 120_000);

afterAll(async () => {
  await server?.proc.kill('SIGTERM');
  await stack?.close();
  await collector?.close();
});

describe('MCP SERVER spans continue the caller trace', () => {
  it('2025-era over HTTP: from _meta.traceparent, and the tool workflow start joins it', async () => {
    const caller = callerContext();
    const client = await httpClient();
    try {
      const result = await client.callTool({
        name: 'stock_price',
        arguments: { symbol: 'AAPL' },
        _meta: { traceparent: caller.traceparent },
      });
      expect(result.isError ?? false).toBe(false);
    } finally {
      await client.close();
    }
    const span = await serverSpan(caller.traceId);
    expect(span.name).toBe('tools/call stock_price');
    expect(span.parentSpanId).toBe(caller.spanId);
    expect(span.attributes).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'stock_price',
      'gen_ai.operation.name': 'execute_tool',
      'network.transport': 'tcp',
      'jsonrpc.request.id': expect.any(String),
    });
    await waitFor(
      'the workflow start span',
      () =>
        collector.spans.some((s) => s.parentSpanId === span.spanId && s.name === 'StartWorkflow:stockPriceWorkflow'),
      30_000,
    );
  });

  it('from the HTTP traceparent header when _meta has none; _meta wins when both are there', async () => {
    const header = callerContext();
    const client = await httpClient({ traceparent: header.traceparent });
    const viaMeta = callerContext();
    try {
      await client.callTool({ name: 'calculate_roi', arguments: { principal: 1000, annual_rate: 0.05, years: 2 } });
      await client.callTool({
        name: 'calculate_roi',
        arguments: { principal: 1000, annual_rate: 0.05, years: 3 },
        _meta: { traceparent: viaMeta.traceparent },
      });
    } finally {
      await client.close();
    }
    const fromHeader = await serverSpan(header.traceId);
    expect(fromHeader).toMatchObject({ name: 'tools/call calculate_roi', parentSpanId: header.spanId });
    expect(await serverSpan(viaMeta.traceId)).toMatchObject({
      name: 'tools/call calculate_roi',
      parentSpanId: viaMeta.spanId,
    });
    // The call that carried _meta made no SERVER span in the header's trace: one there, from the first call.
    expect(collector.spans.filter((s) => s.traceId === header.traceId && s.kind === 2)).toHaveLength(1);
  });

  it('a tool error is error.type=tool_error', async () => {
    const caller = callerContext();
    const client = await httpClient();
    try {
      // An idempotency key the server refuses: a failure of the tool (arguments the schema rejects never reach it).
      const result = await client.callTool({
        name: 'calculate_roi',
        arguments: { principal: 100, annual_rate: 0.05, years: 1 },
        _meta: { traceparent: caller.traceparent, idempotencyKey: ' ' },
      });
      expect(result.isError).toBe(true);
    } finally {
      await client.close();
    }
    const span = await serverSpan(caller.traceId);
    expect(span.attributes['error.type']).toBe('tool_error');
    expect(span.status.code).toBe(2); // ERROR
  });

  it('over stdio: from _meta.traceparent, as a pipe', async () => {
    const caller = callerContext();
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--import', 'tsx', 'mcp-servers/finance/main.ts', '--transport', 'stdio'],
      cwd: projectRoot,
      env: {
        PATH: process.env.PATH!,
        HOME: process.env.HOME!,
        ENV_FILE: '/nonexistent',
        TEMPORAL_ADDRESS: testConfig().temporal.address,
        FINANCE_TASK_QUEUE: stack.taskQueue,
        ...otelEnv,
      },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'desktop-like', version: '1.0.0' });
    await client.connect(transport);
    try {
      const result = await client.callTool({
        name: 'stock_price',
        arguments: { symbol: 'IBM' },
        _meta: { traceparent: caller.traceparent },
      });
      expect(result.isError ?? false).toBe(false);
    } finally {
      // Closing stdin ends the process, which flushes its spans on the way out.
      await client.close();
    }
    const span = await serverSpan(caller.traceId);
    expect(span).toMatchObject({ name: 'tools/call stock_price', parentSpanId: caller.spanId });
    expect(span.attributes['network.transport']).toBe('pipe');
  });
});
