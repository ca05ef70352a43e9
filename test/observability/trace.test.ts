/**
 * One trace per chat turn, across real processes: the chat, the orchestrator worker, the Finance MCP server and the
 * finance tool worker, each started from its entry point with only OTEL_EXPORTER_OTLP_ENDPOINT pointing at a local
 * OTLP/HTTP receiver (test/fakes/otlp-collector.ts; the exporters' own client code sends the spans). The quote comes
 * from the Alpha Vantage fake, so the provider's HTTP call is in the trace too.
 *
 * Then the orchestrator worker is replaced and a second turn sent: the new worker replays the whole conversation
 * history, and no span of the first turn may be exported again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient } from '../../shared/temporal/connection';
import { ensureNexusEndpoints } from '../../shared/temporal/nexus-endpoints';
import { startAlphaVantageFake, type AlphaVantageFake } from '../fakes/alpha-vantage';
import { startOtlpCollector, type CollectedSpan, type OtlpCollectorFake } from '../fakes/otlp-collector';
import { runChat } from './chat-process';
import { ancestry, CLIENT, named, one, SERVER } from './spans';
import { freePort, spawnEntry, spawnMcpServer, waitFor, type Spawned } from '../support/processes';
import { testConfig, uniqueTaskQueue } from '../support/temporal';

const ALPHAVANTAGE_KEY = 'av-secret-key-0123456789';

let collector: OtlpCollectorFake;
let alphaVantage: AlphaVantageFake;
const running: Spawned[] = [];
let env: Record<string, string>;

/** Runs the chat from its entry point with piped input, as a script would, and returns what it printed. */
function chat(lines: string[], args: string[] = [], extraEnv: Record<string, string> = {}): Promise<string> {
  return runChat({ ...env, ...extraEnv }, lines, args);
}

async function startOrchestratorWorker(extraEnv: Record<string, string> = {}): Promise<Spawned> {
  const proc = spawnEntry('orchestrator/main.ts', { ...env, ...extraEnv });
  running.push(proc);
  // It bundles its workflows (with the tracing interceptors) before it polls.
  await waitFor('orchestrator worker', () => proc.output().includes('orchestrator worker ready'), 180_000, proc);
  return proc;
}

const inTrace = (traceId: string) => collector.spans.filter((s) => s.traceId === traceId);
let financeTaskQueue: string;

function turnRoot(after: Set<string> = new Set()): CollectedSpan | undefined {
  return collector.spans.find(
    (s) =>
      s.service === 'chat' && s.name === 'StartWorkflowUpdate:sendMessage' && !s.parentSpanId && !after.has(s.traceId),
  );
}

beforeAll(async () => {
  collector = await startOtlpCollector();
  alphaVantage = await startAlphaVantageFake(ALPHAVANTAGE_KEY);
  const { temporal } = testConfig();
  financeTaskQueue = uniqueTaskQueue('finance-traced');
  const common = {
    TEMPORAL_ADDRESS: temporal.address,
    FINANCE_TASK_QUEUE: financeTaskQueue,
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    // Export each batch within 100 ms and metrics every half second, so the test waits on arrivals, not on timers.
    OTEL_BSP_SCHEDULE_DELAY: '100',
    OTEL_METRIC_EXPORT_INTERVAL: '500',
  };
  const worker = spawnEntry('tool-workers/finance/main.ts', {
    ...common,
    QUOTE_PROVIDER: 'alphavantage',
    ALPHAVANTAGE_API_KEY: ALPHAVANTAGE_KEY,
    ALPHAVANTAGE_BASE_URL: alphaVantage.url,
  });
  running.push(worker);
  const mcp = await spawnMcpServer('mcp-servers/finance/main.ts', 'FINANCE_MCP_PORT', common);
  running.push(mcp.proc);
  env = {
    ...common,
    ORCHESTRATOR_TASK_QUEUE: uniqueTaskQueue('orchestrator-traced'),
    FINANCE_MCP_URL: mcp.url,
    // No IT server: its discovery fails fast and the conversation goes on with finance alone.
    IT_MCP_URL: `http://127.0.0.1:${await freePort()}/mcp`,
    MCP_CALL_TIMEOUT_MS: '10000',
  };
  await waitFor('the finance worker', () => worker.output().includes('finance worker ready'), 180_000, worker);
}, 300_000);

afterAll(async () => {
  await Promise.all(running.map((p) => p.kill('SIGTERM')));
  await collector?.close();
  await alphaVantage?.close();
});

describe('tracing a chat turn', () => {
  it(
    'one trace from the chat Update to the provider call; a replaying worker exports nothing twice',
    { timeout: 600_000 },
    async () => {
      const first = await startOrchestratorWorker();
      const out = await chat(['What is the stock price of AAPL?']);
      expect(out).toMatch(/AAPL: 227\.48 USD/);
      const conversationId = /Started conversation (\S+)/.exec(out)![1]!;

      // The turn's root: the chat's Update, a span without a parent.
      await waitFor('the chat turn span', () => turnRoot() !== undefined, 30_000);
      const root = turnRoot()!;
      const traceId = root.traceId;
      // Everything else arrives in batches from four processes: wait for the deepest spans, then check the whole.
      await waitFor(
        'the turn trace',
        () => {
          const spans = inTrace(traceId);
          return (
            named(spans, 'GET', 'worker:finance').length === 1 &&
            named(spans, 'HandleUpdate:sendMessage').length === 1 &&
            named(spans, 'RunWorkflow:stockPriceWorkflow').length === 1
          );
        },
        60_000,
      );
      const turn = inTrace(traceId);

      // The parent chain, process by process, down to the provider's HTTP call.
      const providerCall = one(turn, 'GET', 'worker:finance');
      expect(ancestry(turn, providerCall)).toEqual([
        'chat: StartWorkflowUpdate:sendMessage',
        'worker:orchestrator: HandleUpdate:sendMessage',
        'worker:orchestrator: StartActivity:callMcpTool',
        'worker:orchestrator: RunActivity:callMcpTool',
        'worker:orchestrator: tools/call stock_price',
        // The MCP client's own HTTP request sits beside the SERVER span: `_meta` wins over the HTTP traceparent.
        'mcp:finance: tools/call stock_price',
        'mcp:finance: StartWorkflow:stockPriceWorkflow',
        'worker:finance: RunWorkflow:stockPriceWorkflow',
        'worker:finance: StartActivity:fetchStockQuote',
        'worker:finance: RunActivity:fetchStockQuote',
        'worker:finance: GET',
      ]);
      // Every span of the turn hangs off the root: no orphans.
      for (const span of turn) expect(ancestry(turn, span)[0]).toBe('chat: StartWorkflowUpdate:sendMessage');
      // The model's calls are in the same trace, under the Update handler.
      expect(turn.some((s) => s.service === 'worker:orchestrator' && /Activity:.*[Mm]odel/.test(s.name))).toBe(true);

      // MCP semantic conventions on both sides.
      const clientSpan = one(turn, 'tools/call stock_price', 'worker:orchestrator');
      const serverSpan = one(turn, 'tools/call stock_price', 'mcp:finance');
      expect(clientSpan.kind).toBe(CLIENT);
      expect(serverSpan.kind).toBe(SERVER);
      expect(serverSpan.parentSpanId).toBe(clientSpan.spanId);
      for (const span of [clientSpan, serverSpan]) {
        expect(span.attributes).toMatchObject({
          'mcp.method.name': 'tools/call',
          'gen_ai.tool.name': 'stock_price',
          'gen_ai.operation.name': 'execute_tool',
          'mcp.protocol.version': '2026-07-28',
          'network.transport': 'tcp',
        });
        expect(span.attributes['error.type']).toBeUndefined();
      }
      expect(serverSpan.attributes['jsonrpc.request.id']).toEqual(expect.any(String));
      expect(clientSpan.attributes).toMatchObject({ 'server.address': '127.0.0.1' });

      // From the trace to the workflows' histories: a Temporal client span links to its run only in a Web UI known to
      // show the server (TEMPORAL_UI_URL, or a dev server's UI found at TEMPORAL_UI_PORT); the test server has none.
      const { temporal } = testConfig();
      const webUi: string | undefined = undefined;
      const history = (namespace: string, workflowId: string, runId: unknown) =>
        webUi && `${webUi}/namespaces/${namespace}/workflows/${workflowId}/${String(runId)}/history`;
      const toolStart = one(turn, 'StartWorkflow:stockPriceWorkflow', 'mcp:finance');
      const toolWorkflowId = String(toolStart.attributes.temporalWorkflowId);
      expect(toolWorkflowId).toMatch(/^stock_price-/);
      expect(toolStart.attributes.run_id).toEqual(expect.any(String));
      expect(toolStart.attributes).toMatchObject({
        'temporal.namespace': temporal.namespaces.finance,
        'temporal.workflow.id': toolWorkflowId,
        'temporal.run.id': toolStart.attributes.run_id,
      });
      expect(toolStart.attributes['temporal.workflow.url']).toBe(
        history(temporal.namespaces.finance, toolWorkflowId, toolStart.attributes.run_id),
      );
      expect(root.attributes).toMatchObject({
        'temporal.namespace': temporal.namespaces.orchestrator,
        'temporal.workflow.id': conversationId,
        'temporal.run.id': root.attributes.run_id,
      });
      expect(root.attributes.run_id).toEqual(expect.any(String));
      expect(root.attributes['temporal.workflow.url']).toBe(
        history(temporal.namespaces.orchestrator, conversationId, root.attributes['temporal.run.id']),
      );
      // On the SDK's spans only: the MCP SERVER span around the start carries none.
      expect(Object.keys(serverSpan.attributes).filter((k) => k.startsWith('temporal.'))).toEqual([]);

      // No secret and no idempotency key in any attribute of any process: the provider's key is redacted from the URL.
      expect(providerCall.attributes['url.query']).toBe('?function=REDACTED&symbol=REDACTED&apikey=REDACTED');
      const everything = JSON.stringify(collector.spans);
      expect(everything).not.toContain(ALPHAVANTAGE_KEY);
      expect(everything).not.toContain(`${conversationId}:`); // idempotency keys are `<workflow id>:<run>:<activity>`

      // The duration histograms of both sides, with the tool and method.
      await waitFor(
        'MCP duration histograms',
        () =>
          collector.metricNames.get('worker:orchestrator')?.has('mcp.client.operation.duration') === true &&
          collector.metricNames.get('mcp:finance')?.has('mcp.server.operation.duration') === true,
        30_000,
      );
      expect(collector.histogramPoints.get('mcp.server.operation.duration')).toContainEqual(
        expect.objectContaining({ attributes: { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'stock_price' } }),
      );

      // A new worker: the next turn replays the first one's history there. Nothing of turn 1 may be exported again.
      await first.kill('SIGTERM');
      const turnOneSpans = new Set(inTrace(traceId).map((s) => s.spanId));
      await startOrchestratorWorker();
      const out2 = await chat(['What is the stock price of IBM?'], ['--conversation', conversationId]);
      expect(out2).toMatch(/IBM: 222\.97 USD/);
      await waitFor('the second turn span', () => turnRoot(new Set([traceId])) !== undefined, 30_000);
      const secondTrace = turnRoot(new Set([traceId]))!.traceId;
      await waitFor(
        'the second turn trace',
        () =>
          named(inTrace(secondTrace), 'GET', 'worker:finance').length === 1 &&
          named(inTrace(secondTrace), 'HandleUpdate:sendMessage').length === 1,
        60_000,
      );

      expect(new Set(inTrace(traceId).map((s) => s.spanId))).toEqual(turnOneSpans);
      const ids = collector.spans.map((s) => `${s.traceId}/${s.spanId}`);
      expect(ids.length).toBe(new Set(ids).size);
      const turnTwo = inTrace(secondTrace);
      expect(named(turnTwo, 'tools/call stock_price', 'mcp:finance')).toHaveLength(1);
      for (const span of turnTwo) expect(ancestry(turnTwo, span)[0]).toBe('chat: StartWorkflowUpdate:sendMessage');
    },
  );

  it(
    'over Nexus: the operation joins the turn trace through its headers, down to the provider call',
    { timeout: 300_000 },
    async () => {
      const { temporal } = testConfig();
      const connection = await connectClient(temporal);
      const suffix = crypto.randomUUID().slice(0, 8);
      const endpoints = { finance: `trace-finance-${suffix}`, it: `trace-it-${suffix}` };
      try {
        await ensureNexusEndpoints(connection, [
          { name: endpoints.finance, namespace: temporal.namespaces.finance, taskQueue: financeTaskQueue },
          // No IT worker: a stock question never reaches it.
          { name: endpoints.it, namespace: temporal.namespaces.it, taskQueue: uniqueTaskQueue('it-none') },
        ]);
      } finally {
        await connection.close();
      }
      const nexusEnv = {
        TOOL_TRANSPORT: 'nexus',
        FINANCE_NEXUS_ENDPOINT: endpoints.finance,
        IT_NEXUS_ENDPOINT: endpoints.it,
        ORCHESTRATOR_TASK_QUEUE: uniqueTaskQueue('orchestrator-traced-nexus'),
      };
      const known = new Set(collector.spans.map((s) => s.traceId));
      await startOrchestratorWorker(nexusEnv);
      expect(await chat(['What is the stock price of AAPL?'], [], nexusEnv)).toMatch(/AAPL: 227\.48 USD/);

      await waitFor('the Nexus turn span', () => turnRoot(known) !== undefined, 30_000);
      const traceId = turnRoot(known)!.traceId;
      await waitFor(
        'the Nexus turn trace',
        () =>
          named(inTrace(traceId), 'GET', 'worker:finance').length === 1 &&
          named(inTrace(traceId), 'HandleUpdate:sendMessage').length === 1,
        60_000,
      );
      const turn = inTrace(traceId);
      const chain = ancestry(turn, one(turn, 'GET', 'worker:finance'));
      expect(chain.slice(0, 3)).toEqual([
        'chat: StartWorkflowUpdate:sendMessage',
        'worker:orchestrator: HandleUpdate:sendMessage',
        expect.stringMatching(/^worker:orchestrator: StartNexusOperation:.+\/stock_price$/),
      ]);
      expect(chain).toContainEqual(expect.stringMatching(/^worker:finance: RunStartNexusOperation:.+\/stock_price$/));
      expect(chain.slice(-4)).toEqual([
        'worker:finance: RunWorkflow:stockPriceWorkflow',
        'worker:finance: StartActivity:fetchStockQuote',
        'worker:finance: RunActivity:fetchStockQuote',
        'worker:finance: GET',
      ]);
      for (const span of turn) expect(ancestry(turn, span)[0]).toBe('chat: StartWorkflowUpdate:sendMessage');
      // No MCP hop on this path.
      expect(turn.filter((s) => s.name.startsWith('tools/'))).toEqual([]);
    },
  );
});
