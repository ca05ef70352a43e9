/**
 * Replay-safety with the workflow cache disabled: the orchestrator worker runs with `maxCachedWorkflows: 0`, so every
 * workflow task of the conversation (after the model, after the tool, on the next Update) replays the whole history
 * from its start. Two turns through the chat, the Finance MCP server and the finance worker, each exporting to a
 * local OTLP/HTTP receiver: each turn is still one trace rooted at the chat's Update, every span is exported once
 * (one StartActivity per activity the history scheduled, one RunActivity under each) and none is an orphan.
 *
 * The orchestrator worker runs in this process (the worker factory's test hook sets the cache); it bundles its
 * workflows with the tracing interceptors, as the entry point does. The other processes run from their entry points.
 */
import { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpClientPool } from '../../orchestrator/mcp/client-pool';
import { createAgentsPlugin } from '../../orchestrator/plugin';
import { SampleWeatherProvider } from '../../orchestrator/tools/weather';
import { createOrchestratorWorker } from '../../orchestrator/worker';
import type { AppConfig } from '../../shared/config';
import { connectClient, connectWorker } from '../../shared/temporal/connection';
import { startTelemetry, type Telemetry } from '../../shared/telemetry';
import { startOtlpCollector, type CollectedSpan, type OtlpCollectorFake } from '../fakes/otlp-collector';
import { freePort, spawnEntry, spawnMcpServer, waitFor, type Spawned } from '../support/processes';
import { testConfig, uniqueTaskQueue } from '../support/temporal';
import { runChat } from './chat-process';
import { ancestry, named, render } from './spans';

const STICKY = 2; // temporal.api.enums.v1.TaskQueueKind

let collector: OtlpCollectorFake;
const running: Spawned[] = [];
let env: Record<string, string>;
let config: AppConfig;
let telemetry: Telemetry;
let workerConnection: NativeConnection;
let mcp: McpClientPool;
let worker: { worker: Worker; running: Promise<void> } | undefined;

const ROOT = 'StartWorkflowUpdate:sendMessage';
const inTrace = (traceId: string) => collector.spans.filter((s) => s.traceId === traceId);
const turnRoots = () => collector.spans.filter((s) => s.service === 'chat' && s.name === ROOT && !s.parentSpanId);

beforeAll(async () => {
  collector = await startOtlpCollector();
  config = testConfig({ LLM_MODEL: 'offline' });
  const common = {
    TEMPORAL_ADDRESS: config.temporal.address,
    FINANCE_TASK_QUEUE: uniqueTaskQueue('finance-replay-traced'),
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    OTEL_BSP_SCHEDULE_DELAY: '100',
    OTEL_METRICS_EXPORTER: 'none',
  };
  const financeWorker = spawnEntry('tool-workers/finance/main.ts', common);
  running.push(financeWorker);
  const server = await spawnMcpServer('mcp-servers/finance/main.ts', 'FINANCE_MCP_PORT', common);
  running.push(server.proc);
  env = {
    ...common,
    ORCHESTRATOR_TASK_QUEUE: uniqueTaskQueue('orchestrator-uncached'),
    FINANCE_MCP_URL: server.url,
    IT_MCP_URL: `http://127.0.0.1:${await freePort()}/mcp`,
  };

  // This process is the orchestrator worker: its exporters read the same OTEL_* variables from its environment.
  Object.assign(process.env, common, { OTEL_SERVICE_NAME: 'worker:orchestrator' });
  telemetry = await startTelemetry('worker:orchestrator');
  const orchestratorConfig = {
    ...config.orchestrator,
    mcpServers: { finance: server.url, it: env.IT_MCP_URL! },
    taskQueue: env.ORCHESTRATOR_TASK_QUEUE!,
  };
  mcp = new McpClientPool({ servers: orchestratorConfig.mcpServers, requestTimeoutMs: 10_000 });
  workerConnection = await connectWorker(config.temporal);
  const w = await createOrchestratorWorker({
    connection: workerConnection,
    namespace: config.temporal.namespaces.orchestrator,
    taskQueue: orchestratorConfig.taskQueue,
    deps: { mcp, weather: new SampleWeatherProvider() },
    plugin: createAgentsPlugin(orchestratorConfig),
    telemetryPlugins: telemetry.temporalWorkerPlugins,
    maxCachedWorkflows: 0,
  });
  worker = { worker: w, running: w.run() };
  await waitFor(
    'the finance worker',
    () => financeWorker.output().includes('finance worker ready'),
    180_000,
    financeWorker,
  );
}, 400_000);

afterAll(async () => {
  worker?.worker.shutdown();
  await worker?.running;
  await mcp?.close();
  await workerConnection?.close();
  await telemetry?.shutdown();
  await Promise.all(running.map((p) => p.kill('SIGTERM')));
  await collector?.close();
});

/** Waits until a turn's trace holds its deepest spans from every process, then returns it. */
async function turnTrace(root: CollectedSpan): Promise<CollectedSpan[]> {
  await waitFor(
    `the trace of turn ${root.traceId}`,
    () => {
      const spans = inTrace(root.traceId);
      return (
        named(spans, 'RunActivity:fetchStockQuote', 'worker:finance').length === 1 &&
        named(spans, 'HandleUpdate:sendMessage', 'worker:orchestrator').length === 1 &&
        // The closing model call, after the tool's result: the turn's last workflow task has been traced.
        named(spans, 'StartActivity:invokeModelActivity').length >= 2 &&
        named(spans, 'RunActivity:invokeModelActivity').length ===
          named(spans, 'StartActivity:invokeModelActivity').length
      );
    },
    60_000,
  );
  return inTrace(root.traceId);
}

describe('tracing with the workflow cache disabled', () => {
  it(
    'every task replays: each turn is one trace, no span exported twice, no orphans',
    { timeout: 600_000 },
    async () => {
      const out = await runChat(env, ['What is the stock price of AAPL?']);
      expect(out).toMatch(/AAPL: \d+(\.\d+)? USD/);
      const conversationId = /Started conversation (\S+)/.exec(out)![1]!;
      expect(await runChat(env, ['What is the stock price of IBM?'], ['--conversation', conversationId])).toMatch(
        /IBM: \d+(\.\d+)? USD/,
      );
      await waitFor('both turn roots', () => turnRoots().length === 2, 30_000);
      const turns = await Promise.all(turnRoots().map(turnTrace));

      // The worker really ran without its cache: no workflow task went to a sticky queue, so each one replayed.
      const client = new Client({
        connection: await connectClient(config.temporal),
        namespace: config.temporal.namespaces.orchestrator,
      });
      let history;
      try {
        history = await client.workflow.getHandle(conversationId).fetchHistory();
      } finally {
        await client.connection.close();
      }
      const events = history.events ?? [];
      const workflowTasks = events.filter((e) => e.workflowTaskScheduledEventAttributes);
      expect(workflowTasks.length).toBeGreaterThanOrEqual(6);
      for (const e of workflowTasks) expect(e.workflowTaskScheduledEventAttributes!.taskQueue?.kind).not.toBe(STICKY);
      // Activities, and local activities (recorded as markers once they completed).
      const activitiesScheduled = events.filter(
        (e) =>
          e.activityTaskScheduledEventAttributes ||
          e.markerRecordedEventAttributes?.markerName === 'core_local_activity',
      ).length;

      for (const turn of turns) {
        // One trace per turn, every span hanging off the chat's Update: no orphans.
        for (const span of turn) expect(ancestry(turn, span)[0]).toBe(`chat: ${ROOT}`);
        expect(named(turn, 'HandleUpdate:sendMessage')).toHaveLength(1);
        expect(named(turn, 'tools/call stock_price', 'worker:orchestrator')).toHaveLength(1);
        expect(named(turn, 'tools/call stock_price', 'mcp:finance')).toHaveLength(1);
        // The model and tool activities (no retries here) each have one StartActivity span and one RunActivity under it.
        // (Tool discovery of the absent IT server is retried: several RunActivity spans under its one StartActivity.)
        const starts = turn.filter((s) => /^StartActivity:(invokeModelActivity|callMcpTool)$/.test(s.name));
        expect(starts.length).toBeGreaterThanOrEqual(3);
        for (const start of starts) {
          const runs = turn.filter((s) => s.parentSpanId === start.spanId && s.name.startsWith('RunActivity:'));
          expect(runs, `${start.name} in\n${render(turn)}`).toHaveLength(1);
        }
      }
      // Replays add no StartActivity span: as many as the history scheduled activities (discovery at the start included).
      const allStarts = collector.spans.filter(
        (s) => s.service === 'worker:orchestrator' && s.name.startsWith('StartActivity:'),
      );
      expect(allStarts).toHaveLength(activitiesScheduled);
      const ids = collector.spans.map((s) => `${s.traceId}/${s.spanId}`);
      expect(ids.length).toBe(new Set(ids).size);
    },
  );
});
