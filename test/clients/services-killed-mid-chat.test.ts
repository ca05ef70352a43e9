/**
 * Supervision under a scripted chat: `npm start` against the test run's Temporal, the chat driven line by line, and
 * between turns each service the launcher started (both tool workers, both MCP servers, the orchestrator worker)
 * killed once with SIGKILL. The launcher says so in one line and starts it again; the turns after it, which need
 * that service, are answered. That no tool call ran twice is read from Temporal itself after every turn: one tool
 * workflow per call in the transcript (the keyed ones named by their call's activity), one MCP call activity per
 * call in the conversation's history, and one applied write per IT write call in the session workflow.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itSessionWorkflowId } from '../../tool-workers/it/sessions';
import { keyDigest, keyedWorkflowId } from '../../shared/tools/workflow-runner';
import type { ConversationHandle } from '../../orchestrator/conversations';
import { createAgentsPlugin } from '../../orchestrator/plugin';
import { transcriptQuery, type ToolCallRecord } from '../../orchestrator/contract/conversation';
import { connectClient } from '../../shared/temporal/connection';
import { sessionStateQuery } from '../../tool-workers/it/session-contract';
import { launch, pidOf, ScriptedChat, waitForWorkerPolling, type Launched } from '../support/launcher';
import { freePort, waitFor } from '../support/processes';
import { testConfig } from '../support/temporal';

const config = testConfig();
const { namespaces } = config.temporal;
const queues = {
  finance: `finance-${randomUUID()}`,
  it: `it-${randomUUID()}`,
  orchestrator: `orchestrator-${randomUUID()}`,
};

type ServiceName = 'worker:finance' | 'worker:it' | 'mcp:finance' | 'mcp:it' | 'worker:orchestrator';
/** Each service: its entry point, and how to tell from outside that a new process of it serves. */
type Readiness = { worker: { namespace: string; taskQueue: string } } | { healthz: () => string };
let financePort: number;
let itPort: number;
const services: Record<ServiceName, { script: string; ready: Readiness }> = {
  'worker:finance': {
    script: 'tool-workers/finance/main.ts',
    ready: { worker: { namespace: namespaces.finance, taskQueue: queues.finance } },
  },
  'worker:it': {
    script: 'tool-workers/it/main.ts',
    ready: { worker: { namespace: namespaces.it, taskQueue: queues.it } },
  },
  'mcp:finance': {
    script: 'mcp-servers/finance/main.ts',
    ready: { healthz: () => `http://127.0.0.1:${financePort}/healthz` },
  },
  'mcp:it': { script: 'mcp-servers/it/main.ts', ready: { healthz: () => `http://127.0.0.1:${itPort}/healthz` } },
  'worker:orchestrator': {
    script: 'orchestrator/main.ts',
    ready: { worker: { namespace: namespaces.orchestrator, taskQueue: queues.orchestrator } },
  },
};

/** Tool workflow types, and the tools whose calls each one runs for. */
const workflowsOfTools: Record<string, string[]> = {
  stockPriceWorkflow: ['stock_price'],
  calculateRoiWorkflow: ['calculate_roi'],
  ipLookupWorkflow: ['track_ip', 'get_ip'],
  jiraMetricsWorkflow: ['get_jira_metrics'],
};
const IT_WRITES = ['set_jira_project', 'track_ip'];

let run: Launched | undefined;
let connection: Connection;
let clients: Record<'orchestrator' | 'finance' | 'it', Client>;

beforeAll(async () => {
  [financePort, itPort] = [await freePort(), await freePort()];
  connection = await connectClient(config.temporal);
  clients = {
    orchestrator: new Client({
      connection,
      namespace: namespaces.orchestrator,
      plugins: [createAgentsPlugin(config.orchestrator)],
    }),
    finance: new Client({ connection, namespace: namespaces.finance }),
    it: new Client({ connection, namespace: namespaces.it }),
  };
});

afterAll(async () => {
  run?.killAll();
  await connection?.close();
});

/**
 * SIGKILL to each service's process; resolves once the launcher has said so and a new process of each serves. Two
 * at a time where the script allows it: a worker bundles its workflow code before it polls (seconds of CPU), and two
 * restarts overlap on two cores.
 */
async function killAndAwaitRestart(...names: ServiceName[]): Promise<void> {
  const killed = names.map((name) => pidOf(run!.marker, services[name].script));
  for (const pid of killed) process.kill(pid, 'SIGKILL');
  await Promise.all(
    names.map(async (name, i) => {
      const { script, ready } = services[name];
      await waitFor(
        `the launcher to restart ${name}`,
        () => run!.err().includes(`[start] ${name} was killed by SIGKILL; restarting it in 1 s (restart 1)\n`),
        30_000,
      );
      let restarted = 0;
      await waitFor(
        `a new ${name} process`,
        async () => (restarted = pidOf(run!.marker, script)) !== killed[i],
        30_000,
      );
      if ('worker' in ready)
        await waitForWorkerPolling(connection, ready.worker.namespace, ready.worker.taskQueue, restarted, 120_000);
      else await waitFor(`${name} healthy`, async () => (await fetch(ready.healthz())).ok, 60_000);
    }),
  );
}

/** Workflow ids per tool workflow type on this run's task queues (visibility, so polled until it has caught up). */
async function toolWorkflowIds(expected: Record<string, number>): Promise<Record<string, string[]>> {
  const list = async () => {
    const ids: Record<string, string[]> = Object.fromEntries(Object.keys(expected).map((t) => [t, []]));
    for (const ns of ['finance', 'it'] as const) {
      for await (const wf of clients[ns].workflow.list({ query: `TaskQueue = '${queues[ns]}'` })) {
        (ids[wf.type] ??= []).push(wf.workflowId);
      }
    }
    return ids;
  };
  let ids = await list();
  // Catching up can only add: a count above the expected one is a tool call that ran twice, and stays so.
  await waitFor(
    'visibility to list every tool workflow',
    async () => {
      ids = await list();
      return Object.entries(expected).every(([type, n]) => (ids[type]?.length ?? 0) >= n);
    },
    30_000,
  );
  return ids;
}

function decode<T>(payloads: { payloads?: unknown[] | null } | null | undefined): T {
  return defaultPayloadConverter.fromPayload(payloads!.payloads![0] as never) as T;
}

/**
 * After each turn: every tool call the transcript records ran exactly once, as Temporal tells it. The conversation
 * scheduled one `callMcpTool` activity per MCP call, and each activity's idempotency key names what it did: its tool
 * workflow (finance tools, the lookup of `track_ip`) and its write to the IT session. There are no other tool
 * workflows, and the session applied one write per write call.
 */
async function expectEachCallRanOnce(conversation: ConversationHandle): Promise<ToolCallRecord[]> {
  const transcript = await conversation.query(transcriptQuery);
  const calls = transcript.entries.flatMap((e) => (e.kind === 'assistant' ? e.toolCalls : []));
  expect(
    calls.every((c) => c.ok),
    JSON.stringify(calls),
  ).toBe(true);
  const count = (tools: string[]) => calls.filter((c) => tools.includes(c.tool)).length;

  // The conversation's side: one MCP call activity per MCP call, each with the key its retries would reuse.
  const { runId } = await conversation.describe();
  const mcpCalls = (await conversation.fetchHistory())
    .events!.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'callMcpTool')
    .map((e) => ({
      tool: decode<{ tool: string }>(e.activityTaskScheduledEventAttributes!.input).tool,
      key: `${conversation.workflowId}:${runId.slice(0, 8)}:${e.activityTaskScheduledEventAttributes!.activityId}`,
    }));
  expect(mcpCalls.map((c) => c.tool).sort()).toEqual(
    calls
      .filter((c) => c.server !== 'local')
      .map((c) => c.tool)
      .sort(),
  );
  const keysOf = (tools: string[]) => mcpCalls.filter((c) => tools.includes(c.tool)).map((c) => c.key);

  // The tools' side: one workflow per call and one IT session, nothing else.
  const writes = count(IT_WRITES);
  const expected: Record<string, number> = {
    ...Object.fromEntries(Object.entries(workflowsOfTools).map(([type, tools]) => [type, count(tools)])),
    itSessionWorkflow: writes > 0 ? 1 : 0,
  };
  const ids = await toolWorkflowIds(expected);
  expect(Object.fromEntries(Object.entries(ids).map(([type, list]) => [type, list.length]))).toEqual(expected);
  for (const [type, tool] of [
    ['stockPriceWorkflow', 'stock_price'],
    ['calculateRoiWorkflow', 'calculate_roi'],
  ] as const) {
    expect(ids[type]!.sort()).toEqual(
      keysOf([tool])
        .map((key) => keyedWorkflowId(tool, undefined, key))
        .sort(),
    );
  }
  if (writes === 0) return calls;

  // The IT session: the conversation's; its lookups and writes are those of the write calls, each applied once.
  const handle = transcript.itSessionId!;
  expect(handle).toEqual(expect.any(String));
  expect(ids.ipLookupWorkflow!.sort()).toEqual(
    keysOf(['track_ip'])
      .map((key) => keyedWorkflowId('track_ip', undefined, `${handle}-${key}`))
      .sort(),
  );
  const session = clients.it.workflow.getHandle(itSessionWorkflowId(handle));
  expect(ids.itSessionWorkflow).toEqual([session.workflowId]);
  const state = await session.query(sessionStateQuery);
  expect(state.operations).toBe(writes);
  expect(state.ip_history_total).toBe(count(['track_ip']));
  const requestIds = (await session.fetchHistory())
    .events!.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'sessionWrite')
    .map((e) => decode<{ requestId: string }>(e.workflowExecutionSignaledEventAttributes!.input).requestId);
  // A redelivered signal would carry its write's request id again; it is applied once, so it counts once.
  expect([...new Set(requestIds)].sort()).toEqual(keysOf(IT_WRITES).map(keyDigest).sort());
  return calls;
}

describe('npm start, each service killed once during a scripted chat', () => {
  it('answers every turn, and runs every tool call exactly once', { timeout: 600_000 }, async () => {
    run = launch('start', {
      TEMPORAL_ADDRESS: config.temporal.address,
      TEMPORAL_UI_PORT: String(await freePort()),
      TEMPORAL_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'dma-kills-')),
      FINANCE_MCP_PORT: String(financePort),
      IT_MCP_PORT: String(itPort),
      FINANCE_MCP_URL: `http://127.0.0.1:${financePort}/mcp`,
      IT_MCP_URL: `http://127.0.0.1:${itPort}/mcp`,
      // Task queues of its own: no other test's workers take its tasks, and its tool workflows can be counted.
      FINANCE_TASK_QUEUE: queues.finance,
      IT_TASK_QUEUE: queues.it,
      ORCHESTRATOR_TASK_QUEUE: queues.orchestrator,
    });
    const chat = new ScriptedChat(run);
    // The first start bundles three workers' workflow code.
    const conversation = clients.orchestrator.workflow.getHandle(
      await chat.conversationId(300_000),
    ) as ConversationHandle;
    const turn = async (line: string, tool: string, reply: RegExp) => {
      const block = await chat.say(line, 120_000);
      expect(block).toMatch(reply);
      const calls = await expectEachCallRanOnce(conversation);
      expect(calls.at(-1)?.tool).toBe(tool);
    };

    await turn('Set the JIRA project to DEMO-123', 'set_jira_project', /^Agent: .*DEMO/);
    await killAndAwaitRestart('worker:it', 'worker:finance');
    await turn('Track my IP address', 'track_ip', /↳ track_ip .*→ Tracked /);
    await turn('What is the stock price of AAPL?', 'stock_price', /^Agent: AAPL: [\d,.]+ USD/);
    await killAndAwaitRestart('mcp:it', 'mcp:finance');
    // The project set before both IT services were killed is still the session's.
    await turn('Get JIRA metrics', 'get_jira_metrics', /^Agent: DEMO \(/);
    await turn('Calculate the ROI for $10000 invested at 5% for 10 years', 'calculate_roi', /final value 16,288\.95/);
    await killAndAwaitRestart('worker:orchestrator');
    await turn('Track my IP address', 'track_ip', /↳ track_ip .*→ Tracked /);
    await turn('Show me the IP history', 'get_ip_history', /^Agent: IP history:\n1\. .*\n2\. /);

    // One line per restart in the chat, and every turn in the transcript, in order, each with its one tool call.
    for (const name of Object.keys(services))
      expect(run.err()).toContain(`[start] ${name} was killed by SIGKILL; restarting it in 1 s (restart 1)\n`);
    expect(run.err()).not.toContain('is back');
    const transcript = await conversation.query(transcriptQuery);
    const assistant = transcript.entries.filter((e) => e.kind === 'assistant');
    expect(assistant.map((e) => e.toolCalls.map((c) => c.tool))).toEqual([
      ['set_jira_project'],
      ['track_ip'],
      ['stock_price'],
      ['get_jira_metrics'],
      ['calculate_roi'],
      ['track_ip'],
      ['get_ip_history'],
    ]);

    // The end of the script ends the chat, and the launcher stops everything it started.
    chat.end();
    expect(await run.exited, run.err()).toBe(0);
    expect(run.survivors()).toEqual([]);
  });
});
