/**
 * Restarts lose nothing, for a conversation: the Temporal dev server (on a SQLite file, as `npm run temporal` runs it)
 * is killed with SIGKILL between turns of a conversation and started again on the same file. While it is down, a turn
 * gets a clear retryable error, not a hang, and leaves nothing behind; once it is back, the same conversation (same
 * workflow id) carries on: its transcript holds every turn, and what the earlier turns set up (the IT session's handle,
 * its Jira project and IP history) is still in effect. The workers, MCP servers and client are the same throughout:
 * they reconnect by themselves. (test/it/temporal-restart.test.ts does the same under an IT session alone.)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, type Connection } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type AppConfig } from '../../shared/config';
import { findTemporalCli } from '../../shared/temporal/cli-binary';
import { connectClient, connectWorker } from '../../shared/temporal/connection';
import { isTemporalServing, spawnDevServer, type RunningDevServer } from '../../shared/temporal/dev-server';
import { Conversations, conversationInput } from '../../orchestrator/conversations';
import { McpClientPool } from '../../orchestrator/mcp/client-pool';
import { createAgentsPlugin } from '../../orchestrator/plugin';
import { SampleWeatherProvider } from '../../orchestrator/tools/weather';
import { createOrchestratorWorker } from '../../orchestrator/worker';
import { IpLookup } from '../../tool-workers/it/ip/lookup';
import { SampleJiraProvider } from '../../tool-workers/it/jira/sample';
import { itSessionWorkflowId } from '../../tool-workers/it/sessions';
import { sessionStateQuery } from '../../tool-workers/it/session-contract';
import { createItWorker } from '../../tool-workers/it/worker';
import { freePort, spawnMcpServer, waitFor } from '../support/processes';
import { prebuiltBundle, uniqueTaskQueue } from '../support/temporal';

let config: AppConfig;
let cliPath: string;
let dbFile: string;
let server: RunningDevServer | undefined;
let mcpServers: Awaited<ReturnType<typeof spawnMcpServer>>[] = [];
let workerConnection: NativeConnection | undefined;
let clientConnection: Connection | undefined;
let ip: IpLookup | undefined;
let mcp: McpClientPool | undefined;
const workers: { worker: Worker; running: Promise<void> }[] = [];

async function startTemporal(): Promise<void> {
  const { namespaces } = config.temporal;
  server = spawnDevServer({
    cliPath,
    address: config.temporal.address,
    uiPort: config.devServer.uiPort,
    dbFile,
    namespaces: [namespaces.finance, namespaces.it],
    stdio: 'ignore',
  });
  await waitFor('the Temporal dev server', () => isTemporalServing(config.temporal), 60_000);
}

const healthz = (url: string) => url.replace(/\/mcp$/, '/healthz');

beforeAll(async () => {
  const [temporalPort, uiPort, financePort, itPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  config = parseConfig({
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    TEMPORAL_UI_PORT: String(uiPort),
    FINANCE_TASK_QUEUE: uniqueTaskQueue('finance'),
    IT_TASK_QUEUE: uniqueTaskQueue('it'),
    ORCHESTRATOR_TASK_QUEUE: uniqueTaskQueue('orchestrator'),
    FINANCE_MCP_URL: `http://127.0.0.1:${financePort}/mcp`,
    IT_MCP_URL: `http://127.0.0.1:${itPort}/mcp`,
  });
  cliPath = await findTemporalCli({ cacheDir: config.devServer.cliCacheDir });
  dbFile = path.join(mkdtempSync(path.join(tmpdir(), 'conversation-restart-')), 'temporal.db');
  await startTemporal();

  // The MCP servers as their own processes (the Finance one only lists its tools here); the workers in this process,
  // on the prebuilt bundles.
  const env = {
    TEMPORAL_ADDRESS: config.temporal.address,
    FINANCE_TASK_QUEUE: config.finance.taskQueue,
    IT_TASK_QUEUE: config.it.taskQueue,
    LOG_LEVEL: 'warn',
    MCP_TOOL_TIMEOUT_MS: '10000',
  };
  mcpServers = await Promise.all([
    spawnMcpServer('mcp-servers/finance/main.ts', 'FINANCE_MCP_PORT', env, financePort),
    spawnMcpServer('mcp-servers/it/main.ts', 'IT_MCP_PORT', env, itPort),
  ]);
  workerConnection = await connectWorker(config.temporal);
  ip = new IpLookup({ timeoutMs: 500 });
  const itWorker = await createItWorker({
    connection: workerConnection,
    namespace: config.temporal.namespaces.it,
    taskQueue: config.it.taskQueue,
    deps: { jira: new SampleJiraProvider(), ip },
    workflowBundlePath: prebuiltBundle('it'),
  });
  mcp = new McpClientPool({ servers: config.orchestrator.mcpServers, requestTimeoutMs: 10_000 });
  const orchestratorWorker = await createOrchestratorWorker({
    connection: workerConnection,
    namespace: config.temporal.namespaces.orchestrator,
    taskQueue: config.orchestrator.taskQueue,
    deps: { mcp, weather: new SampleWeatherProvider() },
    plugin: createAgentsPlugin(config.orchestrator),
    workflowBundlePath: prebuiltBundle('orchestrator'),
  });
  for (const worker of [itWorker, orchestratorWorker]) workers.push({ worker, running: worker.run() });
  clientConnection = await connectClient(config.temporal);
}, 180_000);

afterAll(async () => {
  for (const { worker } of workers) worker.shutdown();
  await Promise.all(workers.map((w) => w.running.catch(() => undefined)));
  await mcp?.close();
  await ip?.close();
  await workerConnection?.close();
  await clientConnection?.close();
  await Promise.all(mcpServers.map((s) => s.proc.kill()));
  await server?.stop();
});

describe('the Temporal server restarts in the middle of a conversation', () => {
  it(
    'a turn fails clearly while it is down, and the same conversation carries on with its context once it is back',
    { timeout: 240_000 },
    async () => {
      const client = new Client({
        connection: clientConnection!,
        namespace: config.temporal.namespaces.orchestrator,
        plugins: [createAgentsPlugin(config.orchestrator)],
      });
      const conversations = new Conversations(
        client,
        config.orchestrator.taskQueue,
        conversationInput(config.orchestrator, { toolCalls: { timeoutMs: 10_000, maxAttempts: 3 } }),
      );
      const conversation = await conversations.start();

      // Before: the conversation opens its IT session and writes to it.
      expect((await conversations.send(conversation, 'Set the JIRA project to OPS-7')).toolCalls).toEqual([
        expect.objectContaining({ tool: 'set_jira_project', ok: true }),
      ]);
      expect((await conversations.send(conversation, 'Track my IP address')).toolCalls).toEqual([
        expect.objectContaining({ tool: 'track_ip', ok: true }),
      ]);
      const before = await conversations.transcript(conversation);
      expect(before.itSessionId).toEqual(expect.any(String));

      // Killed outright, not shut down: whatever the server had acknowledged must be in the file.
      server!.process.kill('SIGKILL');
      await server!.exited;
      // Down: the turn is refused by the client (after its own retries) with an error naming the problem, not a hang;
      // 60 s bounds liveness only. The chat prints the cause's message, as here.
      const down = await Promise.race([
        conversations.send(conversation, 'Get JIRA metrics').then(
          (reply) => ({ answered: reply.reply }),
          (err: Error) => ({ error: `${err.message}: ${(err.cause as Error | undefined)?.message}` }),
        ),
        new Promise<{ hung: true }>((resolve) => setTimeout(() => resolve({ hung: true }), 60_000).unref()),
      ]);
      expect(down).toEqual({ error: expect.stringMatching(/: .*(UNAVAILABLE|connect|ECONNREFUSED)/i) });

      await startTemporal();
      // The IT server's own Temporal client has reconnected (its health check asks Temporal).
      await waitFor(
        'the IT server to see Temporal again',
        async () => (await fetch(healthz(config.orchestrator.mcpServers.it))).ok,
        60_000,
      );

      // After: the same conversation, by the same handle; the turn refused while down is sent again.
      const metrics = await conversations.send(conversation, 'Get JIRA metrics');
      expect(metrics.toolCalls).toEqual([expect.objectContaining({ tool: 'get_jira_metrics', ok: true })]);
      expect(metrics.reply).toMatch(/^OPS \(/); // the project set before the restart
      const tracked = await conversations.send(conversation, 'Track my IP address');
      expect(tracked.toolCalls).toEqual([expect.objectContaining({ tool: 'track_ip', ok: true })]);
      // The same session (its state below says so); the model reads its handle only as [hidden].
      expect(tracked.reply).not.toContain(before.itSessionId!);
      const history = await conversations.send(conversation, 'Show me the IP history');
      expect(history.reply).toMatch(/^IP history:\n1\. .*\n2\. /);

      // Every turn is in the transcript once, in order (the refused one only as sent again), and the conversation kept
      // its IT session, whose state holds every write of both halves.
      const after = await conversations.transcript(conversation);
      expect(after.conversationId).toBe(conversation.workflowId);
      expect(after.itSessionId).toBe(before.itSessionId);
      expect(after.entries.filter((e) => e.kind === 'user').map((e) => e.text)).toEqual([
        'Set the JIRA project to OPS-7',
        'Track my IP address',
        'Get JIRA metrics',
        'Track my IP address',
        'Show me the IP history',
      ]);
      expect(
        after.entries.filter((e) => e.kind === 'assistant').map((e) => e.toolCalls.map((c) => `${c.tool}:${c.ok}`)),
      ).toEqual([
        ['set_jira_project:true'],
        ['track_ip:true'],
        ['get_jira_metrics:true'],
        ['track_ip:true'],
        ['get_ip_history:true'],
      ]);
      expect((await conversation.describe()).status.name).toBe('RUNNING');
      const session = new Client({
        connection: clientConnection!,
        namespace: config.temporal.namespaces.it,
      }).workflow.getHandle(itSessionWorkflowId(before.itSessionId!));
      const state = await session.query(sessionStateQuery);
      expect(state).toMatchObject({ jira_project: 'OPS', operations: 3, ip_history_total: 2 });
    },
  );
});
