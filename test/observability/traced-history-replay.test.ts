/**
 * Determinism guard for tracing: histories recorded with tracing on (trace context in the `_tracer-data` header of
 * the start, the Updates, the Signal and every scheduled activity; the SDK flags our workflow interceptors consult)
 * must replay on workers with today's tracing plugin. A finance tool workflow and an orchestrator conversation (two
 * turns, a tool call over MCP, ended), both recorded on OpenTelemetry JS 1.x and @temporalio/interceptors-opentelemetry
 * (v1) before the move to the 2.x line, and never re-recorded: running workflows of that time must finish on today's
 * workers. RECORD_HISTORIES=1 records a fixture only when it is missing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Conversations, conversationInput } from '../../orchestrator/conversations';
import { McpClientPool } from '../../orchestrator/mcp/client-pool';
import { createAgentsPlugin } from '../../orchestrator/plugin';
import { orchestratorWorkflowBundle } from '../../orchestrator/bundle';
import { createOrchestratorWorker } from '../../orchestrator/worker';
import { SampleWeatherProvider } from '../../orchestrator/tools/weather';
import { connectClient, connectWorker } from '../../shared/temporal/connection';
import { workflowSourceOptions } from '../../shared/temporal/workflow-bundle';
import { startTelemetry, type Telemetry } from '../../shared/telemetry';
import { financeWorkflowBundle } from '../../tool-workers/finance/bundle';
import { SampleQuoteProvider } from '../../tool-workers/finance/quotes/sample';
import { createFinanceWorker } from '../../tool-workers/finance/worker';
import { startOtlpCollector, type OtlpCollectorFake } from '../fakes/otlp-collector';
import { startToolServers } from '../support/tool-servers';
import { testConfig, uniqueTaskQueue } from '../support/temporal';

const financeFixture = new URL('./fixtures/traced-finance-history-otel1.json', import.meta.url);
const conversationFixture = new URL('./fixtures/traced-conversation-history-otel1.json', import.meta.url);
const RECORD = process.env.RECORD_HISTORIES === '1';

let collector: OtlpCollectorFake;
let telemetry: Telemetry;

beforeAll(async () => {
  collector = await startOtlpCollector();
  // This process's exporters read their endpoint from its environment.
  Object.assign(process.env, {
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    OTEL_BSP_SCHEDULE_DELAY: '100',
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_SERVICE_NAME: 'traced-replay-test',
  });
  telemetry = await startTelemetry('traced-replay-test');
});

afterAll(async () => {
  await telemetry?.shutdown();
  await collector?.close();
});

/** A stock_price workflow started by a traced client on a traced finance worker, as the Finance MCP server does. */
async function recordFinance(): Promise<string> {
  const config = testConfig();
  const namespace = config.temporal.namespaces.finance;
  const taskQueue = uniqueTaskQueue('finance-traced-record');
  const workerConnection = await connectWorker(config.temporal);
  const clientConnection = await connectClient(config.temporal);
  const worker = await createFinanceWorker({
    connection: workerConnection,
    namespace,
    taskQueue,
    deps: { quotes: new SampleQuoteProvider() },
    plugins: telemetry.temporalWorkerPlugins,
  });
  try {
    return await worker.runUntil(async () => {
      const client = new Client({
        connection: clientConnection,
        namespace,
        interceptors: { workflow: telemetry.temporalClientInterceptors({ namespace }) },
      });
      const handle = await client.workflow.start('stockPriceWorkflow', {
        taskQueue,
        workflowId: `stock_price-${randomUUID()}`,
        args: [{ symbol: 'AAPL' }],
      });
      await handle.result();
      return historyToJSON(await handle.fetchHistory());
    });
  } finally {
    await clientConnection.close();
    await workerConnection.close();
  }
}

/** A conversation of two turns (a tool over MCP, the calculator), ended, through traced clients and workers. */
async function recordConversation(): Promise<string> {
  const config = testConfig({ LLM_MODEL: 'offline' });
  const tools = await startToolServers();
  const namespace = config.temporal.namespaces.orchestrator;
  const taskQueue = uniqueTaskQueue('orchestrator-traced-record');
  const orchestratorConfig = {
    ...config.orchestrator,
    mcpServers: { finance: tools.finance.url, it: tools.itHttp.url },
    taskQueue,
  };
  const mcp = new McpClientPool({ servers: orchestratorConfig.mcpServers, requestTimeoutMs: 10_000 });
  const workerConnection = await connectWorker(config.temporal);
  const clientConnection = await connectClient(config.temporal);
  try {
    const worker = await createOrchestratorWorker({
      connection: workerConnection,
      namespace,
      taskQueue,
      deps: { mcp, weather: new SampleWeatherProvider() },
      plugin: createAgentsPlugin(orchestratorConfig),
      telemetryPlugins: telemetry.temporalWorkerPlugins,
    });
    return await worker.runUntil(async () => {
      const client = new Client({
        connection: clientConnection,
        namespace,
        plugins: [createAgentsPlugin(orchestratorConfig)],
        interceptors: { workflow: telemetry.temporalClientInterceptors({ namespace }) },
      });
      const conversations = new Conversations(client, taskQueue, conversationInput(orchestratorConfig));
      const conversation = await conversations.start();
      for (const text of ['What is the stock price of AAPL?', 'Calculate 15 * 23'])
        await conversations.send(conversation, text);
      await conversations.end(conversation, 'recorded');
      await conversation.result();
      return historyToJSON(await conversation.fetchHistory());
    });
  } finally {
    await mcp.close();
    await clientConnection.close();
    await workerConnection.close();
    await tools.close();
  }
}

type History = {
  events: {
    activityTaskScheduledEventAttributes?: { activityType?: { name?: string }; header?: { fields?: object } };
    workflowExecutionStartedEventAttributes?: { header?: { fields?: object } };
  }[];
};

function load(fixture: URL): History {
  expect(existsSync(fixture), `${fixture.pathname} is missing: run with RECORD_HISTORIES=1`).toBe(true);
  return JSON.parse(readFileSync(fixture, 'utf8')) as History;
}

/** The trace header on the start and on every activity the history scheduled: recorded with tracing on. */
function expectTraced(history: History, activities: string[]): void {
  const started = history.events.find((e) => e.workflowExecutionStartedEventAttributes);
  expect(Object.keys(started?.workflowExecutionStartedEventAttributes?.header?.fields ?? {})).toContain('_tracer-data');
  const scheduled = history.events.flatMap((e) =>
    e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes] : [],
  );
  expect(scheduled.map((a) => a.activityType?.name)).toEqual(expect.arrayContaining(activities));
  for (const a of scheduled) expect(Object.keys(a.header?.fields ?? {})).toContain('_tracer-data');
}

describe('histories recorded with tracing on replay on the traced workers of today', () => {
  it('a finance tool workflow', { timeout: 180_000 }, async () => {
    if (RECORD && !existsSync(financeFixture)) writeFileSync(financeFixture, await recordFinance());
    const history = load(financeFixture);
    expectTraced(history, ['fetchStockQuote']);
    await Worker.runReplayHistory(
      { ...workflowSourceOptions(financeWorkflowBundle), plugins: telemetry.temporalWorkerPlugins },
      history,
      'traced-finance',
    );
  });

  it('an orchestrator conversation', { timeout: 300_000 }, async () => {
    if (RECORD && !existsSync(conversationFixture)) writeFileSync(conversationFixture, await recordConversation());
    const history = load(conversationFixture);
    expectTraced(history, ['discoverMcpTools', 'callMcpTool', 'calculate']);
    await Worker.runReplayHistory(
      {
        ...workflowSourceOptions(orchestratorWorkflowBundle),
        plugins: [createAgentsPlugin(testConfig().orchestrator), ...telemetry.temporalWorkerPlugins],
      },
      history,
      'traced-conversation',
    );
  });
});
