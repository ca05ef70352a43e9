/**
 * The wait for a person's approval is durable (issue 27, parts 3 and 5). Turns paused on an approval of
 * create_jira_issue, in both agent loops, and then:
 * - kill -9 of the orchestrator worker (a subprocess, as in worker-crash.test.ts); a new worker takes over and the
 *   answer `y` files exactly one issue, over MCP and over Nexus;
 * - a SIGKILL of the Temporal dev server (on its SQLite file, as in temporal-restart.test.ts), started again on the
 *   same file; the answer comes from a new client connection and a new Conversations object, as another chat process
 *   (`--conversation`) would send it, and files exactly one issue.
 * The model is scripted, over local HTTP in the Chat Completions wire format (OPENAI_BASE_URL), so the subprocess worker
 * reaches it too. The IT worker runs in this process with a SampleJiraProvider, whose `created` list is what counts the
 * issues filed; a second answer to the same question is refused and files nothing more.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Conversations, conversationInput, type ConversationHandle } from '../../orchestrator/conversations';
import { ActionPlanner } from '../../orchestrator/manual/planner';
import { McpClientPool } from '../../orchestrator/mcp/client-pool';
import { createAgentsPlugin } from '../../orchestrator/plugin';
import type {
  AgentLoop,
  ConversationInput,
  TranscriptEntry,
  TurnReply,
} from '../../orchestrator/contract/conversation';
import { SampleWeatherProvider } from '../../orchestrator/tools/weather';
import { createOrchestratorWorker } from '../../orchestrator/worker';
import { parseConfig, type AppConfig } from '../../shared/config';
import { findTemporalCli } from '../../shared/temporal/cli-binary';
import { connectClient, connectWorker } from '../../shared/temporal/connection';
import { isTemporalServing, spawnDevServer, type RunningDevServer } from '../../shared/temporal/dev-server';
import { IpLookup } from '../../tool-workers/it/ip/lookup';
import { SampleJiraProvider } from '../../tool-workers/it/jira/sample';
import { createItWorker } from '../../tool-workers/it/worker';
import {
  startScriptedChatCompletions,
  type ChatRequestBody,
  type ScriptedChatCompletions,
} from '../fakes/scripted-chat-completions';
import { startOrchestratorStack, type OrchestratorStack } from '../support/orchestrator-stack';
import { freePort, spawnEntry, spawnMcpServer, waitFor, type Spawned } from '../support/processes';
import { prebuiltBundle, uniqueTaskQueue } from '../support/temporal';

const MODEL = 'scripted-llm';
const llmEnv = (model: ScriptedChatCompletions) => ({
  OPENAI_BASE_URL: `${model.url}/v1`,
  LLM_MODEL: MODEL,
  OPENAI_API: 'chat_completions',
});

const lastToolResult = (body: ChatRequestBody) =>
  String(body.messages.findLast((m) => m.role === 'tool')?.content ?? '');
const approvalsIn = (entries: TranscriptEntry[]) =>
  entries.filter((e): e is Extract<TranscriptEntry, { kind: 'approval' }> => e.kind === 'approval');
const jiraCalls = (entries: TranscriptEntry[]) =>
  entries.flatMap((e) => (e.kind === 'assistant' ? e.toolCalls.filter((c) => c.tool === 'create_jira_issue') : []));

/** A conversation with a Jira project, and a turn paused on the approval of create_jira_issue with this summary. */
async function pauseOnApproval(
  model: ScriptedChatCompletions,
  conversations: Conversations,
  summary: string,
): Promise<{ conversation: ConversationHandle; paused: TurnReply }> {
  const conversation = await conversations.start();
  model.push({ toolCalls: [{ name: 'set_jira_project', arguments: { project: 'DEMO' } }] }, { text: 'Project set.' });
  const set = await conversations.send(conversation, 'Use the DEMO project');
  expect(set.toolCalls).toEqual([expect.objectContaining({ tool: 'set_jira_project', ok: true })]);
  model.push({ toolCalls: [{ name: 'create_jira_issue', arguments: { summary, description: 'Since 9am.' } }] });
  const paused = await conversations.send(conversation, `File a Jira issue: ${summary}`);
  expect(paused.reply).toBe('');
  expect(paused.pendingApprovals).toEqual([
    expect.objectContaining({ tool: 'create_jira_issue', arguments: { summary, description: 'Since 9am.' } }),
  ]);
  return { conversation, paused };
}

/**
 * Answers `y` to the paused turn: the rest of the turn comes back with the filed issue, exactly one is filed, the
 * transcript records the approval and the one call, and answering again is refused and files nothing more.
 */
async function approveAndCheck(
  model: ScriptedChatCompletions,
  jira: SampleJiraProvider,
  conversations: Conversations,
  conversation: ConversationHandle,
  paused: TurnReply,
  summary: string,
): Promise<void> {
  const question = paused.pendingApprovals![0]!;
  model.push((body) => ({ text: `Filed: ${lastToolResult(body)}` }));
  const done = await conversations.answer(conversation, { id: question.id, approved: true, reason: 'go ahead' });
  expect(done.pendingApprovals ?? []).toEqual([]);
  expect(done.toolCalls).toEqual([expect.objectContaining({ tool: 'create_jira_issue', ok: true })]);
  const filed = jira.created.filter((i) => i.summary === summary);
  expect(filed).toHaveLength(1);
  expect(done.reply).toContain(filed[0]!.key); // the model read the one call's result, which names the key

  await expect(conversations.answer(conversation, { id: question.id, approved: true })).rejects.toMatchObject({
    cause: { message: expect.stringContaining('is pending') },
  });
  const view = await conversations.transcript(conversation);
  expect(view.pendingApprovals).toEqual([]);
  expect(approvalsIn(view.entries)).toEqual([
    expect.objectContaining({ id: question.id, tool: 'create_jira_issue', decision: 'approved', reason: 'go ahead' }),
  ]);
  expect(jiraCalls(view.entries)).toEqual([expect.objectContaining({ ok: true, arguments: question.arguments })]);
  expect(jira.created.filter((i) => i.summary === summary)).toHaveLength(1);
}

const combos: { loop: AgentLoop; transport: 'mcp' | 'nexus' }[] = [
  { loop: 'agents-sdk', transport: 'mcp' },
  { loop: 'agents-sdk', transport: 'nexus' },
  { loop: 'manual', transport: 'mcp' },
  { loop: 'manual', transport: 'nexus' },
];

describe('kill -9 of the orchestrator worker while turns wait for approval', () => {
  let model: ScriptedChatCompletions;
  let stack: OrchestratorStack;
  const jira = new SampleJiraProvider();
  const workers: Spawned[] = [];
  const waiting = new Map<
    string,
    { conversations: Conversations; conversation: ConversationHandle; paused: TurnReply }
  >();
  const summaryOf = (c: (typeof combos)[number]) => `Disk full (${c.loop}, ${c.transport}, worker killed)`;

  async function startWorkerProcess(): Promise<Spawned> {
    const proc = spawnEntry('orchestrator/main.ts', { ...stack.env, ...llmEnv(model) });
    workers.push(proc);
    await waitFor('orchestrator worker', () => proc.output().includes('orchestrator worker ready'), 120_000, proc);
    return proc;
  }

  beforeAll(async () => {
    model = await startScriptedChatCompletions();
    stack = await startOrchestratorStack({ jira, inProcessWorker: false, input: { model: MODEL } });
    const first = await startWorkerProcess();
    // Four turns paused at once, one per loop and transport, then the worker is killed outright.
    for (const combo of combos) {
      const overrides: Partial<ConversationInput> =
        combo.transport === 'nexus'
          ? { agentLoop: combo.loop, toolTransport: 'nexus', nexusEndpoints: stack.nexusEndpoints }
          : { agentLoop: combo.loop, toolTransport: 'mcp' };
      const conversations = stack.conversationsWith(overrides);
      waiting.set(`${combo.loop}/${combo.transport}`, {
        conversations,
        ...(await pauseOnApproval(model, conversations, summaryOf(combo))),
      });
    }
    expect(jira.created).toEqual([]);
    await first.kill('SIGKILL');
    await startWorkerProcess();
  }, 300_000);
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    await stack?.close();
    await model?.close();
  });

  it.each(combos)('$loop loop over $transport: the answer y files one issue', { timeout: 120_000 }, async (combo) => {
    const { conversations, conversation, paused } = waiting.get(`${combo.loop}/${combo.transport}`)!;
    // The question outlived the worker: a new chat sees it in the conversation's state.
    expect((await conversations.transcript(conversation)).pendingApprovals).toEqual(paused.pendingApprovals);
    await approveAndCheck(model, jira, conversations, conversation, paused, summaryOf(combo));
  });
});

describe('the Temporal server restarts while turns wait for approval', () => {
  let model: ScriptedChatCompletions;
  let config: AppConfig;
  let cliPath: string;
  let dbFile: string;
  let server: RunningDevServer | undefined;
  let mcpServers: Awaited<ReturnType<typeof spawnMcpServer>>[] = [];
  let workerConnection: NativeConnection | undefined;
  const clientConnections: Connection[] = [];
  let ip: IpLookup | undefined;
  let mcp: McpClientPool | undefined;
  const jira = new SampleJiraProvider();
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

  /** A chat process's view: its own connection, client and Conversations. */
  async function chatProcess(loop: AgentLoop): Promise<Conversations> {
    const connection = await connectClient(config.temporal);
    clientConnections.push(connection);
    const client = new Client({
      connection,
      namespace: config.temporal.namespaces.orchestrator,
      plugins: [createAgentsPlugin(config.orchestrator)],
    });
    return new Conversations(
      client,
      config.orchestrator.taskQueue,
      conversationInput(config.orchestrator, { agentLoop: loop, toolCalls: { timeoutMs: 10_000, maxAttempts: 3 } }),
    );
  }

  beforeAll(async () => {
    model = await startScriptedChatCompletions();
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
      ...llmEnv(model),
    });
    cliPath = await findTemporalCli({ cacheDir: config.devServer.cliCacheDir });
    dbFile = path.join(mkdtempSync(path.join(tmpdir(), 'approval-restart-')), 'temporal.db');
    await startTemporal();

    // The MCP servers as their own processes (the Finance one only lists its tools here); the workers in this process.
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
      deps: { jira, ip },
      workflowBundlePath: prebuiltBundle('it'),
    });
    mcp = new McpClientPool({ servers: config.orchestrator.mcpServers, requestTimeoutMs: 10_000 });
    const orchestratorWorker = await createOrchestratorWorker({
      connection: workerConnection,
      namespace: config.temporal.namespaces.orchestrator,
      taskQueue: config.orchestrator.taskQueue,
      deps: { mcp, weather: new SampleWeatherProvider(), planner: new ActionPlanner(config.orchestrator.llm) },
      plugin: createAgentsPlugin(config.orchestrator),
      workflowBundlePath: prebuiltBundle('orchestrator'),
    });
    for (const worker of [itWorker, orchestratorWorker]) workers.push({ worker, running: worker.run() });
  }, 180_000);

  afterAll(async () => {
    for (const { worker } of workers) worker.shutdown();
    await Promise.all(workers.map((w) => w.running.catch(() => undefined)));
    await mcp?.close();
    await ip?.close();
    await workerConnection?.close();
    await Promise.all(clientConnections.map((c) => c.close()));
    await Promise.all(mcpServers.map((s) => s.proc.kill()));
    await server?.stop();
    await model?.close();
  });

  it(
    'in both loops, the answer from another chat process after the restart files one issue',
    { timeout: 240_000 },
    async () => {
      const loops: AgentLoop[] = ['agents-sdk', 'manual'];
      const summaryOf = (loop: AgentLoop) => `Fan noise (${loop}, Temporal restarted)`;
      const paused = new Map<AgentLoop, { conversation: ConversationHandle; paused: TurnReply }>();
      for (const loop of loops)
        paused.set(loop, await pauseOnApproval(model, await chatProcess(loop), summaryOf(loop)));
      expect(jira.created).toEqual([]);

      // Killed outright, not shut down: the questions must be in the file.
      server!.process.kill('SIGKILL');
      await server!.exited;
      await startTemporal();
      await waitFor(
        'the IT server to see Temporal again',
        async () => (await fetch(config.orchestrator.mcpServers.it.replace(/\/mcp$/, '/healthz'))).ok,
        60_000,
      );

      for (const loop of loops) {
        // Another chat process: a new connection and Conversations, resuming the conversation by the id it printed.
        const other = await chatProcess(loop);
        const before = paused.get(loop)!;
        const conversation = await other.resume(before.conversation.workflowId);
        expect((await other.transcript(conversation)).pendingApprovals).toEqual(before.paused.pendingApprovals);
        await approveAndCheck(model, jira, other, conversation, before.paused, summaryOf(loop));
      }
      expect(jira.created).toHaveLength(loops.length);
    },
  );
});
