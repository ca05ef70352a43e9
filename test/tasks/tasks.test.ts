/**
 * The MCP tasks extension (2026-07-28, io.modelcontextprotocol/tasks) on the real Finance and IT servers over loopback
 * HTTP, each task a Temporal workflow on the real dev server: negotiation, task-augmented tools/call, tasks/get with
 * progress, tasks/update, tasks/cancel (the workflow ends cancelled and records nothing more), refusals of unknown
 * and foreign task ids, keyed repeats, workflow ids that hold a digest of the task id, tasks an older server started
 * under the raw id, and the plain synchronous calls clients without the extension keep getting.
 */
import { randomBytes } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { McpAuthConfig } from '../../shared/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyedTaskId, taskWorkflowId } from '../../mcp-servers/adapter/tasks/task-workflows';
import { callerScope } from '../../shared/caller-scope';
import { toolRunRecord } from '../../shared/tools/workflow-runner';
import { priceAlertTool } from '../../tool-workers/finance/tools';
import { itSessionWorkflowId } from '../../tool-workers/it/sessions';
import type { FinanceStack } from '../support/finance-stack';
import { waitFor } from '../support/processes';
import { connectHttpClient, connectModernClient } from '../support/mcp-client';
import { startToolServers, type ToolServers } from '../support/tool-servers';
import { taskClient, TASKS } from './task-client';

const ALICE = 'alice-token-0123456789abcdef';
const BOB = 'bob-token-0123456789abcdef01';
const auth: McpAuthConfig = {
  staticTokens: [
    { subject: 'alice', token: ALICE, scopes: ['tools.read', 'tools.write'] },
    { subject: 'bob', token: BOB, scopes: ['tools.read', 'tools.write'] },
  ],
};

let servers: ToolServers;
beforeAll(async () => {
  servers = await startToolServers();
});
afterAll(() => servers?.close());

const finance = () => taskClient(() => servers.finance.url);

/** A task as a server before the digest ids started it: the workflow named by the raw task id, same memo and timeout. */
async function startLegacyTask(
  stack: Pick<FinanceStack, 'client' | 'taskQueue'>,
  taskId: string,
  raw: Record<string, unknown>,
  caller?: string,
) {
  const args = priceAlertTool.input.parse(raw); // as the server passes them on: defaults filled in, schema order
  const record = toolRunRecord(priceAlertTool.name, args, { caller });
  return stack.client.workflow.start(priceAlertTool.workflow.type, {
    taskQueue: stack.taskQueue,
    workflowId: `mcp-task-${callerScope(caller)}-${taskId}`,
    args: [args],
    workflowExecutionTimeout: 86_400_000,
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    memo: { ...record.memo, mcpTask: true },
    staticSummary: `MCP task: ${record.staticSummary}`,
  });
}
const randomTaskId = () => randomBytes(16).toString('base64url');
const it2 = () => taskClient(() => servers.itHttp.url);
/** IBM is 222.97 in the sample quotes: a threshold above it is never reached, so the watch runs until its time is up. */
const NEVER = { symbol: 'IBM', direction: 'above', threshold: 10_000 };

describe('negotiation', () => {
  it('both servers advertise the extension in server/discover', async () => {
    for (const client of [finance(), it2()]) {
      const { result } = await client.send('server/discover');
      expect(result!.capabilities.extensions).toEqual({ [TASKS]: {} });
      expect(result!.capabilities.tasks).toBeUndefined();
    }
  });

  it('a client that does not declare the extension gets the call answered within it, and -32021 on tasks/*', async () => {
    const plain = taskClient(() => servers.finance.url, { declareTasks: false });
    const { result } = await plain.call('price_alert', { ...NEVER, check_every_seconds: 1, watch_minutes: 0.05 });
    expect(result!.resultType).toBe('complete');
    expect(result!.taskId).toBeUndefined();
    expect(result!.structuredContent).toMatchObject({ symbol: 'IBM', triggered: false, last_price: 222.97 });
    expect(result!.structuredContent.checks).toBeGreaterThanOrEqual(2);
    for (const method of ['tasks/get', 'tasks/cancel', 'tasks/update']) {
      const { error } = await plain.send(method, {
        taskId: 'AAAAAAAAAAAAAAAAAAAAAA',
        ...(method === 'tasks/update' ? { inputResponses: {} } : {}),
      });
      expect(error).toMatchObject({ code: -32021, data: { requiredCapabilities: { extensions: { [TASKS]: {} } } } });
    }
  });

  it('a 2025-11-25 client keeps plain synchronous calls and sees no extension', async () => {
    const legacy = await connectHttpClient(servers.finance.url);
    expect(legacy.getServerCapabilities()?.extensions).toBeUndefined();
    const r = (await legacy.callTool({
      name: 'price_alert',
      arguments: { symbol: 'IBM', direction: 'below', threshold: 500 },
    })) as any;
    expect(r.structuredContent).toMatchObject({ triggered: true, checks: 1, last_price: 222.97 });
    await legacy.close();
  });

  it('the SDK v2 client (no tasks runtime) gets plain results, with progress notifications when it asks', async () => {
    const client = await connectModernClient(servers.finance.url);
    const progress: { progress: number; message?: string }[] = [];
    const r = (await client.callTool(
      { name: 'price_alert', arguments: { ...NEVER, check_every_seconds: 1, watch_minutes: 0.05 } },
      { onprogress: (p: { progress: number; message?: string }) => progress.push(p) } as never,
    )) as any;
    expect(r.structuredContent.triggered).toBe(false);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)!.message).toMatch(/checks? of IBM/);
    await client.close();
  });
});

describe('a long-running tool as a task', () => {
  it('price_alert: CreateTaskResult at once, progress in tasks/get, the tool result once completed', async () => {
    const client = finance();
    const { result: created } = await client.call('price_alert', {
      ...NEVER,
      check_every_seconds: 1,
      watch_minutes: 0.05,
    });
    expect(created).toMatchObject({
      resultType: 'task',
      status: 'working',
      ttlMs: expect.any(Number),
      pollIntervalMs: 200,
    });
    expect(created!.taskId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(created!.result).toBeUndefined();
    // The task is its workflow, in the caller's scope.
    const described = await servers.finance.client.workflow.getHandle(taskWorkflowId(created!.taskId)).describe();
    expect(described.memo).toMatchObject({ tool: 'price_alert', mcpTask: true });

    const working = await client.poll(created!.taskId, (t) => t.status !== 'working' || /check/.test(t.statusMessage));
    expect(working.resultType).toBe('complete');
    const done = await client.poll(created!.taskId);
    expect(done).toMatchObject({ status: 'completed', taskId: created!.taskId, createdAt: created!.createdAt });
    expect(done.result.structuredContent).toMatchObject({ symbol: 'IBM', triggered: false, currency: 'USD' });
    expect(done.result.content[0].text).toMatch(/did not go above 10000/);
    // Polling again answers the same, from Temporal.
    expect((await client.get(created!.taskId)).result).toEqual({ ...done, _meta: expect.anything() } as never);
  });

  it('a tool error is a completed task whose result has isError', async () => {
    const client = finance();
    const { result: created } = await client.call('price_alert', { symbol: 'NOPE', direction: 'above', threshold: 1 });
    const done = await client.poll(created!.taskId);
    expect(done.status).toBe('completed');
    expect(done.result.isError).toBe(true);
    expect(done.result.content[0].text).toMatch(/price_alert failed: .*NOPE/);
  });

  it('invalid arguments are refused on the call, as without tasks', async () => {
    const { result } = await finance().call('price_alert', { ...NEVER, check_every_seconds: 1, watch_minutes: 600 });
    expect(result!.isError).toBe(true);
    expect(result!.content[0].text).toMatch(/at most 1000 checks/);
  });

  it('a quick tool is answered within the call even for a client with the extension', async () => {
    const { result } = await finance().call('stock_price', { symbol: 'AAPL' });
    expect(result!.resultType).toBe('complete');
    expect(result!.structuredContent.price).toBe(227.48);
  });

  it('tasks/update is acknowledged (no tool of ours asks for input) and refused for unknown tasks', async () => {
    const client = finance();
    const { result: created } = await client.call('price_alert', {
      ...NEVER,
      check_every_seconds: 1,
      watch_minutes: 0.05,
    });
    expect((await client.update(created!.taskId, { nothing: { action: 'accept' } })).result).toMatchObject({
      resultType: 'complete',
    });
    expect((await client.update('AAAAAAAAAAAAAAAAAAAAAA')).error).toMatchObject({ code: -32602 });
    await client.poll(created!.taskId);
  });

  it('unknown and malformed task ids are refused with -32602', async () => {
    for (const taskId of ['AAAAAAAAAAAAAAAAAAAAAA', '../../etc/passwd', 'x']) {
      expect((await finance().get(taskId)).error).toMatchObject({
        code: -32602,
        message: 'Failed to retrieve task: Task not found',
      });
      expect((await finance().cancel(taskId)).error).toMatchObject({ code: -32602 });
    }
  });
});

describe('cancel', () => {
  it('watch_ip: cancelled mid-task, its workflow ends cancelled and the session records nothing more', async () => {
    const client = it2();
    // The status message does not name the session (it is copied into heartbeats): open it first, by a write of no IP.
    const set = await client.call('set_jira_project', { project: 'OPS' });
    const sessionId = set.result!.structuredContent.session_id as string;
    const { result: created } = await client.call('watch_ip', {
      session_id: sessionId,
      every_seconds: 1,
      for_minutes: 10,
    });
    expect(created!.resultType).toBe('task');
    await client.poll(created!.taskId, (t) => /^[2-9]\d* lookups|^\d{2,} lookups/.test(t.statusMessage ?? ''));

    const ack = await client.cancel(created!.taskId);
    expect(ack.result).toEqual({ resultType: 'complete', _meta: expect.anything() });
    const cancelled = await client.poll(created!.taskId);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.result).toBeUndefined();

    // The workflow is closed as cancelled, so it can send nothing more; every lookup it made is in the session once.
    const handle = servers.it.client.workflow.getHandle(taskWorkflowId(created!.taskId));
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    const history = await handle.fetchHistory();
    const signalled = history.events!.filter((e) => e.signalExternalWorkflowExecutionInitiatedEventAttributes).length;
    const state = await servers.it.sessions.state(sessionId);
    expect(state.ip_history_total).toBe(signalled);
    expect(signalled).toBeGreaterThanOrEqual(2);
    // The timer in flight was cancelled with it.
    expect(history.events!.some((e) => e.timerCanceledEventAttributes)).toBe(true);
    // Cancelling an ended task is the same empty ack.
    expect((await client.cancel(created!.taskId)).result).toMatchObject({ resultType: 'complete' });
    expect(servers.it.client.workflow.getHandle(itSessionWorkflowId(sessionId))).toBeDefined();
  });

  it('price_alert: cancel stops the watch', async () => {
    const client = finance();
    const { result: created } = await client.call('price_alert', {
      ...NEVER,
      check_every_seconds: 1,
      watch_minutes: 10,
    });
    await client.cancel(created!.taskId);
    expect((await client.poll(created!.taskId)).status).toBe('cancelled');
    expect(
      (await servers.finance.client.workflow.getHandle(taskWorkflowId(created!.taskId)).describe()).status.name,
    ).toBe('CANCELLED');
  });
});

describe('watch_ip records into the session it names', () => {
  it('each lookup lands in get_ip_history, and the task result lists them', async () => {
    const client = it2();
    const set = await client.call('set_jira_project', { project: 'OPS' });
    const sessionId = set.result!.structuredContent.session_id as string;
    const { result: created } = await client.call('watch_ip', {
      session_id: sessionId,
      every_seconds: 1,
      for_minutes: 0.05,
    });
    const done = await client.poll(created!.taskId);
    expect(done.status).toBe('completed');
    const watch = done.result.structuredContent;
    expect(watch.session_id).toBe(sessionId);
    const history = (await client.call('get_ip_history', { session_id: sessionId })).result!.structuredContent;
    expect(history.total_tracked).toBe(watch.checks);
    expect(history.entries.map((e: { ip: string }) => e.ip)).toEqual(
      watch.observations.map((o: { ip: string }) => o.ip),
    );
  });

  it('a session that does not exist is a tool error on the call, and no task', async () => {
    const { result } = await it2().call('watch_ip', {
      session_id: 'AAAAAAAAAAAAAAAAAAAAAA',
      every_seconds: 1,
      for_minutes: 0.05,
    });
    expect(result!.resultType).toBe('complete');
    expect(result!.isError).toBe(true);
    expect(result!.content[0].text).toMatch(/No open IT session/);
  });
});

describe('a task is bound to its caller', () => {
  let bound: ToolServers;
  beforeAll(async () => {
    bound = await startToolServers({ auth });
  });
  afterAll(() => bound?.close());

  it("another identity's task id is not found: get, update and cancel alike", async () => {
    const alice = taskClient(() => bound.finance.url, { token: ALICE });
    const bob = taskClient(() => bound.finance.url, { token: BOB });
    const { result: created } = await alice.call('price_alert', {
      ...NEVER,
      check_every_seconds: 1,
      watch_minutes: 10,
    });
    expect(created!.resultType).toBe('task');
    expect((await bob.get(created!.taskId)).error).toMatchObject({
      code: -32602,
      message: 'Failed to retrieve task: Task not found',
    });
    expect((await bob.update(created!.taskId)).error).toMatchObject({ code: -32602 });
    expect((await bob.cancel(created!.taskId)).error).toMatchObject({ code: -32602 });
    // Bob's cancel did nothing: the task is still Alice's, and still running.
    expect((await alice.get(created!.taskId)).result!.status).toBe('working');
    await alice.cancel(created!.taskId);
    expect((await alice.poll(created!.taskId)).status).toBe('cancelled');
    expect(taskWorkflowId(created!.taskId, 'alice')).not.toContain('alice');
    expect(taskWorkflowId(created!.taskId, 'alice')).not.toContain(created!.taskId);
  });

  it("a task an older server started under Alice's raw id is hers only", async () => {
    const alice = taskClient(() => bound.finance.url, { token: ALICE });
    const bob = taskClient(() => bound.finance.url, { token: BOB });
    const taskId = randomTaskId();
    await startLegacyTask(bound.finance, taskId, { ...NEVER, check_every_seconds: 1, watch_minutes: 10 }, 'alice');
    expect((await bob.get(taskId)).error).toMatchObject({
      code: -32602,
      message: 'Failed to retrieve task: Task not found',
    });
    expect((await bob.cancel(taskId)).error).toMatchObject({ code: -32602 });
    expect((await alice.get(taskId)).result!.status).toBe('working');
    await alice.cancel(taskId);
    expect((await alice.poll(taskId)).status).toBe('cancelled');
  });
});

describe('workflow ids hold a digest of the task id, never the id (they reach spans and the Web UI)', () => {
  it("a started task's workflow id does not contain its id, and the digest in it is no task id", async () => {
    const client = finance();
    const { result: created } = await client.call('price_alert', {
      ...NEVER,
      check_every_seconds: 1,
      watch_minutes: 10,
    });
    const taskId = created!.taskId as string;
    const workflowId = taskWorkflowId(taskId);
    expect(workflowId).toMatch(/^mcp-task-anon-[A-Za-z0-9_-]{22}$/);
    expect(workflowId).not.toContain(taskId);
    // The id Temporal lists for the task (what the Web UI shows) is that one; nothing is named by the raw id.
    const temporal = servers.finance.client.workflow;
    const listed: string[] = [];
    await waitFor('the task in the workflow list', async () => {
      listed.length = 0;
      for await (const wf of temporal.list({
        query: `TaskQueue = '${servers.finance.taskQueue}' AND WorkflowType = 'priceAlertWorkflow'`,
      }))
        listed.push(wf.workflowId);
      return listed.includes(workflowId);
    });
    expect(listed.filter((id) => id.includes(taskId))).toEqual([]);
    await expect(temporal.getHandle(`mcp-task-anon-${taskId}`).describe()).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );

    // Whoever reads the digest in a trace cannot use it as the task id: not found, and nothing cancelled.
    const digest = workflowId.slice('mcp-task-anon-'.length);
    expect((await client.get(digest)).error).toMatchObject({
      code: -32602,
      message: 'Failed to retrieve task: Task not found',
    });
    expect((await client.cancel(digest)).error).toMatchObject({ code: -32602 });
    expect((await client.get(taskId)).result!.status).toBe('working');
    await client.cancel(taskId);
    expect((await client.poll(taskId)).status).toBe('cancelled');
  });

  it('a keyed repeat reaches the same task and starts no second workflow', async () => {
    const client = finance();
    const key = `tasks-keyed-${Date.now()}`;
    const args = { ...NEVER, check_every_seconds: 1, watch_minutes: 10 };
    const first = (await client.call('price_alert', args, { idempotencyKey: key })).result!;
    const again = (await client.call('price_alert', args, { idempotencyKey: key })).result!;
    expect(again).toMatchObject({ resultType: 'task', taskId: first.taskId, createdAt: first.createdAt });
    expect(first.taskId).toBe(keyedTaskId('price_alert', undefined, key));
    const other = (await client.call('price_alert', { ...args, threshold: 20_000 }, { idempotencyKey: key })).result!;
    expect(other.isError).toBe(true);
    expect(other.content[0].text).toMatch(/already used for price_alert with different arguments/);
    await client.cancel(first.taskId);
    expect((await client.poll(first.taskId)).status).toBe('cancelled');
  });
});

describe('tasks an older server started under the raw task id stay reachable', () => {
  it('is found, polled to its result, and answers the same as a task of this release', async () => {
    const client = finance();
    const taskId = randomTaskId();
    const handle = await startLegacyTask(servers.finance, taskId, {
      ...NEVER,
      check_every_seconds: 1,
      watch_minutes: 0.05,
    });
    const { result: got } = await client.get(taskId);
    expect(got).toMatchObject({ taskId, status: expect.stringMatching(/working|completed/), ttlMs: 86_400_000 });
    const done = await client.poll(taskId);
    expect(done.status).toBe('completed');
    expect(done.result.structuredContent).toMatchObject({ symbol: 'IBM', triggered: false, last_price: 222.97 });
    expect(done.result.structuredContent).toEqual(await handle.result());
    expect((await client.update(taskId)).result).toMatchObject({ resultType: 'complete' });
  });

  it('is cancellable: its workflow ends cancelled', async () => {
    const client = finance();
    const taskId = randomTaskId();
    const handle = await startLegacyTask(servers.finance, taskId, {
      ...NEVER,
      check_every_seconds: 1,
      watch_minutes: 10,
    });
    expect((await client.get(taskId)).result!.status).toBe('working');
    expect((await client.cancel(taskId)).result).toMatchObject({ resultType: 'complete' });
    expect((await client.poll(taskId)).status).toBe('cancelled');
    expect((await handle.describe()).status.name).toBe('CANCELLED');
  });

  it('a keyed repeat of a call first made to an older server attaches to its task instead of starting another', async () => {
    const client = finance();
    const key = `legacy-keyed-${Date.now()}`;
    const args = { ...NEVER, check_every_seconds: 1, watch_minutes: 10 };
    const taskId = keyedTaskId('price_alert', undefined, key);
    const legacy = await startLegacyTask(servers.finance, taskId, args);
    const { result: repeat } = await client.call('price_alert', args, { idempotencyKey: key });
    expect(repeat).toMatchObject({ resultType: 'task', taskId, status: 'working' });
    // No second workflow under the digest id: the work runs once.
    await expect(servers.finance.client.workflow.getHandle(taskWorkflowId(taskId)).describe()).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );
    // The key still guards its arguments.
    const other = (await client.call('price_alert', { ...args, threshold: 20_000 }, { idempotencyKey: key })).result!;
    expect(other.isError).toBe(true);
    expect(other.content[0].text).toMatch(/already used for price_alert with different arguments/);
    await client.cancel(taskId);
    expect((await client.poll(taskId)).status).toBe('cancelled');
    expect((await legacy.describe()).status.name).toBe('CANCELLED');
  });
});
