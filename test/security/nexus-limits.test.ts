/**
 * The per-caller limits hold on the Nexus path too (issue 26, item 2): open IT sessions and running long-running
 * operations (`price_alert`, a workflow-run operation) per Nexus caller (`nexus:<namespace>[:<name>]`). A start past
 * a bound is refused at once with a non-retryable RESOURCE_EXHAUSTED naming the limit and its setting; another Nexus
 * caller has a bound of its own. Real Temporal, real IT and finance workers behind real Nexus endpoints, called by a
 * real workflow in the orchestrator's namespace.
 */
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, connectWorker } from '../../shared/temporal/connection';
import { ensureNexusEndpoints } from '../../shared/temporal/nexus-endpoints';
import { countRunning, type CallerLimit, type RunningSelector } from '../../shared/temporal/caller-limits';
import { CALLER_HEADER } from '../../shared/tools/nexus-service';
import { keyedWorkflowIdPrefix } from '../../shared/tools/workflow-runner';
import { SampleQuoteProvider } from '../../tool-workers/finance/quotes/sample';
import { createFinanceWorker } from '../../tool-workers/finance/worker';
import { IpLookup } from '../../tool-workers/it/ip/lookup';
import { SampleJiraProvider } from '../../tool-workers/it/jira/sample';
import { itSessionIdPrefix } from '../../tool-workers/it/sessions';
import { createItWorker } from '../../tool-workers/it/worker';
import { waitFor } from '../support/processes';
import { prebuiltBundle, testConfig, uniqueTaskQueue } from '../support/temporal';
import { startedUpdate, type NexusCallInput, type NexusCallOutcome } from './nexus-caller/workflows';

const config = testConfig();
const callerNamespace = config.temporal.namespaces.orchestrator;
const limit = (what: string, setting: string): CallerLimit => ({ max: 2, what, setting });
const LIMITS = {
  itSessions: limit('open IT sessions', 'MCP_MAX_IT_SESSIONS_PER_CALLER'),
  longRunning: limit('running long-running tool calls', 'MCP_MAX_LONG_RUNNING_PER_CALLER'),
};
/** Watches that outlast the test: they run until it ends them. */
const ipWatch = { every_seconds: 3600, for_minutes: 720 };
const longWatch = { symbol: 'AAPL', direction: 'above', threshold: 1e9, check_every_seconds: 60, watch_minutes: 30 };

const queues = { it: uniqueTaskQueue('it-nexus-limits'), finance: uniqueTaskQueue('finance-nexus-limits') };
const suffix = randomUUID().slice(0, 8);
const endpoints = { it: `test-it-limits-${suffix}`, finance: `test-finance-limits-${suffix}` };
const callerQueue = uniqueTaskQueue('nexus-limits-caller');

let workerConnection: NativeConnection;
let clientConnection: Client['connection'];
let workers: { worker: Worker; running: Promise<void> }[] = [];
let ip: IpLookup;
const clients = {} as { it: Client; finance: Client; caller: Client };

beforeAll(async () => {
  workerConnection = await connectWorker(config.temporal);
  clientConnection = await connectClient(config.temporal);
  for (const [key, namespace] of [
    ['it', config.temporal.namespaces.it],
    ['finance', config.temporal.namespaces.finance],
    ['caller', callerNamespace],
  ] as const) {
    clients[key] = new Client({ connection: clientConnection, namespace });
  }
  ip = new IpLookup({ timeoutMs: 500 });
  const created = await Promise.all([
    createItWorker({
      connection: workerConnection,
      namespace: config.temporal.namespaces.it,
      taskQueue: queues.it,
      deps: { jira: new SampleJiraProvider(), ip },
      workflowBundlePath: prebuiltBundle('it'),
      nexus: { sessionIdleTimeoutMs: 3_600_000, toolTimeoutMs: 30_000, limits: LIMITS },
    }),
    createFinanceWorker({
      connection: workerConnection,
      namespace: config.temporal.namespaces.finance,
      taskQueue: queues.finance,
      deps: { quotes: new SampleQuoteProvider() },
      workflowBundlePath: prebuiltBundle('finance'),
      nexusLimits: { longRunning: LIMITS.longRunning },
    }),
    Worker.create({
      connection: workerConnection,
      namespace: callerNamespace,
      taskQueue: callerQueue,
      workflowBundle: { codePath: prebuiltBundle('nexus-caller') },
    }),
  ]);
  workers = created.map((worker) => ({ worker, running: worker.run() }));
  await ensureNexusEndpoints(clientConnection, [
    { name: endpoints.it, namespace: config.temporal.namespaces.it, taskQueue: queues.it },
    { name: endpoints.finance, namespace: config.temporal.namespaces.finance, taskQueue: queues.finance },
  ]);
});
afterAll(async () => {
  // The held operations' workflows would otherwise run on (with no worker) until their watch ends.
  for (const [client, taskQueue] of [
    [clients.finance, queues.finance],
    [clients.it, queues.it],
    [clients.caller, callerQueue],
  ] as const) {
    for await (const wf of client.workflow.list({
      query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'`,
    }))
      await client.workflow
        .getHandle(wf.workflowId)
        .terminate('test over')
        .catch(() => undefined);
  }
  for (const { worker } of workers) worker.shutdown();
  await Promise.all(workers.map((w) => w.running));
  await ip?.close();
  await clientConnection?.close();
  await workerConnection?.close();
});

const asCaller = (name: string) => ({ [CALLER_HEADER]: name });
const nexusCaller = (name: string) => `nexus:${callerNamespace}:${name}`;
const workflowId = (what: string) => `nexus-limits-${what}-${randomUUID()}`;
const callInput = (domain: 'it' | 'finance', operation: string, input: unknown): NexusCallInput => ({
  endpoint: endpoints[domain],
  service: domain,
  operation,
  input,
});

/** One operation, waited for (a refused start answers at once). */
function call(domain: 'it' | 'finance', operation: string, input: unknown, caller: string): Promise<NexusCallOutcome> {
  return clients.caller.workflow.execute('nexusCallWorkflow', {
    taskQueue: callerQueue,
    workflowId: workflowId(operation),
    args: [callInput(domain, operation, input)],
    memo: { headers: asCaller(caller) },
  });
}

/** One asynchronous operation, started and kept running by its caller workflow: the outcome of its start. */
async function start(
  domain: 'it' | 'finance',
  operation: string,
  input: unknown,
  caller: string,
): Promise<NexusCallOutcome> {
  const handle = await clients.caller.workflow.start('nexusStartWorkflow', {
    taskQueue: callerQueue,
    workflowId: workflowId(operation),
    args: [callInput(domain, operation, input)],
    memo: { headers: asCaller(caller) },
  });
  return handle.executeUpdate(startedUpdate);
}

/** Waits until visibility shows exactly `n` running workflows of this selector (it is eventually consistent). */
async function settle(client: Client, selector: RunningSelector, n: number): Promise<void> {
  await waitFor(`${n} running under ${selector.idPrefix}`, async () => (await countRunning(client, selector)) === n);
}

describe('per-caller limits on the Nexus path', () => {
  it('open IT sessions: the third a Nexus caller opens is refused by name, not retried; another caller is not affected', async () => {
    const opened = [];
    for (let i = 0; i < 2; i++) {
      const outcome = await call('it', 'track_ip', {}, 'sessions-a');
      expect(outcome.ok, JSON.stringify(outcome)).toBe(true);
      opened.push((outcome as { result: { session_id: string } }).result.session_id);
    }
    await settle(clients.it, { taskQueue: queues.it, idPrefix: itSessionIdPrefix(nexusCaller('sessions-a')) }, 2);

    const third = await start('it', 'track_ip', {}, 'sessions-a');
    expect(third).toEqual({
      ok: false,
      type: 'RESOURCE_EXHAUSTED',
      message: expect.stringContaining(
        'limit reached: 2 open IT sessions per caller (MCP_MAX_IT_SESSIONS_PER_CALLER); 2 running now',
      ),
      retryable: false,
    });
    // Writing to a session that is open opens nothing new.
    expect((await call('it', 'track_ip', { session_id: opened[0] }, 'sessions-a')).ok).toBe(true);
    // Another Nexus caller (another name in the same namespace) has a bound of its own.
    expect((await call('it', 'track_ip', {}, 'sessions-b')).ok).toBe(true);
  });

  it('running long-running operations: the third price_alert a Nexus caller starts is refused by name; another caller is not affected', async () => {
    for (let i = 0; i < 2; i++) {
      const outcome = await start('finance', 'price_alert', longWatch, 'long-a');
      expect(outcome.ok, JSON.stringify(outcome)).toBe(true);
    }
    await settle(
      clients.finance,
      { taskQueue: queues.finance, idPrefix: keyedWorkflowIdPrefix('price_alert', nexusCaller('long-a')) },
      2,
    );

    const third = await start('finance', 'price_alert', longWatch, 'long-a');
    expect(third).toEqual({
      ok: false,
      type: 'RESOURCE_EXHAUSTED',
      message: expect.stringContaining(
        'limit reached: 2 running long-running tool calls per caller (MCP_MAX_LONG_RUNNING_PER_CALLER); 2 running now',
      ),
      retryable: false,
    });
    expect((await start('finance', 'price_alert', longWatch, 'long-b')).ok).toBe(true);
    // A quick tool is no long-running work: the bound does not apply to it.
    expect((await call('finance', 'stock_price', { symbol: 'MSFT' }, 'long-a')).ok).toBe(true);
  });

  it('running IP watches (watch_ip) are bounded the same way, before any session is opened', async () => {
    // One session for all the watches, so that only the long-running bound is in play.
    const opened = await call('it', 'track_ip', {}, 'watch-a');
    const session_id = (opened as { result: { session_id: string } }).result.session_id;
    for (let i = 0; i < 2; i++) {
      const outcome = await start('it', 'watch_ip', { session_id, ...ipWatch }, 'watch-a');
      expect(outcome.ok, JSON.stringify(outcome)).toBe(true);
    }
    await settle(
      clients.it,
      { taskQueue: queues.it, idPrefix: keyedWorkflowIdPrefix('watch_ip', nexusCaller('watch-a')) },
      2,
    );
    expect(await start('it', 'watch_ip', { session_id, ...ipWatch }, 'watch-a')).toEqual({
      ok: false,
      type: 'RESOURCE_EXHAUSTED',
      message: expect.stringContaining('(MCP_MAX_LONG_RUNNING_PER_CALLER); 2 running now'),
      retryable: false,
    });
    // Refused before its session is resolved: a watch that would open a new session opens none.
    const unopened = await start('it', 'watch_ip', ipWatch, 'watch-a');
    expect(unopened).toMatchObject({ ok: false, type: 'RESOURCE_EXHAUSTED', retryable: false });
    expect(
      await countRunning(clients.it, { taskQueue: queues.it, idPrefix: itSessionIdPrefix(nexusCaller('watch-a')) }),
    ).toBe(1);
    expect((await start('it', 'watch_ip', ipWatch, 'watch-b')).ok).toBe(true);
  });
});
