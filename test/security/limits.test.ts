/**
 * Bounds on what one caller can start and leave running (issue 26, item 2): a read-only token cannot start a
 * long-running tool; per-caller limits on open IT sessions, running MCP tasks and running long-running calls, counted
 * in Temporal and refused by name; and a long-running call answered within the request stops (and cancels its task)
 * when its client disconnects or the wait bound passes. Real Temporal, real workers, real HTTP on loopback.
 */
import { randomUUID } from 'node:crypto';
import { CLIENT_CAPABILITIES_META_KEY } from '@modelcontextprotocol/client';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { McpAuthConfig } from '../../shared/config';
import { createLogger } from '../../shared/logger';
import { countRunning, type CallerLimit } from '../../shared/temporal/caller-limits';
import { ToolWorkflowRunner } from '../../shared/tools/workflow-runner';
import { createFinanceServer } from '../../mcp-servers/finance/server';
import { createItServer } from '../../mcp-servers/it/server';
import { TaskWorkflows, taskIdPrefix, type TaskWorkflowsOptions } from '../../mcp-servers/adapter/tasks/task-workflows';
import { startMcpHttpServer, type RunningHttpServer } from '../../mcp-servers/transports/http';
import { ItSessions, itSessionIdPrefix } from '../../tool-workers/it/sessions';
import { startFinanceStack, type FinanceStack } from '../support/finance-stack';
import { startItStack, type ItStack } from '../support/it-stack';
import { modernRequest, postMcp, toolCall } from '../support/mcp-client';
import { waitFor } from '../support/processes';
import { TASKS } from '../tasks/task-client';

const READER = 'tok_limits_reader_0123456789';
/** Each case calls as a subject of its own, so the counts it sees are its own (the namespace is shared). */
const subjects = ['sessions', 'tasks', 'long', 'gone-modern', 'gone-legacy', 'too-long'] as const;
const tokenOf = (subject: string) => `tok_limits_${subject}_0123456789abcdef`;
const auth: McpAuthConfig = {
  staticTokens: [
    ...subjects.map((subject) => ({ subject, token: tokenOf(subject), scopes: ['tools.read', 'tools.write'] })),
    { subject: 'reader-only', token: READER, scopes: ['tools.read'] },
  ],
};
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const limit = (max: number, what: string, setting: string): CallerLimit => ({ max, what, setting });

/** A watch that never triggers within the test: it runs until cancelled. */
const longWatch = { symbol: 'AAPL', direction: 'above', threshold: 1e9, check_every_seconds: 60, watch_minutes: 30 };

let finance: FinanceStack;
let itStack: ItStack;
const servers: RunningHttpServer[] = [];

beforeAll(async () => {
  [finance, itStack] = await Promise.all([startFinanceStack(), startItStack()]);
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await Promise.all([finance?.close(), itStack?.close()]);
});

/** A Finance server over the stack's worker, with these task options. */
async function financeServer(opts: Partial<TaskWorkflowsOptions>): Promise<RunningHttpServer> {
  const { client, taskQueue } = finance;
  const workflows = new ToolWorkflowRunner({ client, taskQueue, timeoutMs: 30_000 });
  const tasks = new TaskWorkflows({ client, taskQueue, pollIntervalMs: 200, ...opts });
  const http = await startMcpHttpServer({
    name: 'finance-limits',
    host: '127.0.0.1',
    port: 0,
    allowedOrigins: [],
    maxBodyBytes: 1 << 20,
    createServer: (context) => createFinanceServer({ workflows, tasks, context }),
    health: async () => ({ ok: true }),
    log: createLogger('finance-limits', 'warn'),
    auth: { config: auth },
  });
  servers.push(http);
  return http;
}

/** A 2026-07-28 tools/call, declaring the tasks extension or not. */
function modernCall(name: string, args: unknown, opts: { tasks?: boolean } = {}) {
  const meta = { [CLIENT_CAPABILITIES_META_KEY]: opts.tasks ? { extensions: { [TASKS]: {} } } : {} };
  return modernRequest('tools/call', { name, arguments: args, _meta: meta }, randomUUID());
}

async function call(url: string, subject: string, name: string, args: unknown, opts: { tasks?: boolean } = {}) {
  const { body, headers } = modernCall(name, args, opts);
  return postMcp(url, body, { ...headers, ...bearer(tokenOf(subject)) });
}

/** Waits until visibility shows exactly `n` running workflows of this selector. */
async function settle(client: Client, taskQueue: string, idPrefix: string, n: number): Promise<void> {
  await waitFor(
    `${n} running under ${idPrefix}`,
    async () => (await countRunning(client, { taskQueue, idPrefix })) === n,
  );
}

/** The caller's task workflows on the Finance stack's queue, with their status. */
async function financeTasks(subject: string): Promise<{ workflowId: string; status: string }[]> {
  const query = `TaskQueue = '${finance.taskQueue}' AND WorkflowId STARTS_WITH '${taskIdPrefix(subject)}'`;
  const found: { workflowId: string; status: string }[] = [];
  for await (const wf of finance.client.workflow.list({ query })) {
    found.push({ workflowId: wf.workflowId, status: wf.status.name });
  }
  return found;
}

describe('scopes', () => {
  it('a read-only token gets 403 on price_alert, a long-running tool, although it is readOnlyHint: true', async () => {
    const http = await financeServer({});
    const { body, headers } = modernCall('price_alert', longWatch);
    const res = await postMcp(http.url, body, { ...headers, ...bearer(READER) });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(res.json).toEqual({
      error: 'insufficient_scope',
      error_description: 'price_alert starts long-running work and needs the tools.write scope',
    });
    // A quick read-only tool is still served to the same token.
    const quick = await postMcp(http.url, toolCall('calculate_roi', { principal: 1, annual_rate: 0.1, years: 1 }), {
      ...bearer(READER),
    });
    expect(quick.status).toBe(200);
    expect(quick.json.result.isError).toBeFalsy();
  });
});

describe('per-caller limits, counted in Temporal', () => {
  it('open IT sessions: the third is refused by name (tool call and initialize), and after one closes a new one opens', async () => {
    const openLimit = limit(2, 'open IT sessions', 'MCP_MAX_IT_SESSIONS_PER_CALLER');
    const sessions = new ItSessions({
      client: itStack.client,
      taskQueue: itStack.taskQueue,
      idleTimeoutMs: 3_600_000,
      openLimit,
    });
    const lookups = new ToolWorkflowRunner({ client: itStack.client, taskQueue: itStack.taskQueue, timeoutMs: 30_000 });
    const http = await startMcpHttpServer({
      name: 'it-limits',
      host: '127.0.0.1',
      port: 0,
      allowedOrigins: [],
      maxBodyBytes: 1 << 20,
      createServer: (context) => createItServer({ context, sessions, lookups }),
      sessions,
      health: async () => ({ ok: true }),
      log: createLogger('it-limits', 'warn'),
      auth: { config: auth },
    });
    servers.push(http);
    const prefix = itSessionIdPrefix('sessions');
    const open = () => call(http.url, 'sessions', 'set_jira_project', { project: 'DEMO' });

    const first = (await open()).json.result;
    const second = (await open()).json.result;
    expect(first.isError).toBeFalsy();
    expect(second.isError).toBeFalsy();
    await settle(itStack.client, itStack.taskQueue, prefix, 2);

    const third = (await open()).json.result;
    expect(third.isError).toBe(true);
    expect(third.content[0].text).toMatch(
      /^limit reached: 2 open IT sessions per caller \(MCP_MAX_IT_SESSIONS_PER_CALLER\); 2 running now/,
    );
    // A 2025-era initialize opens a session too: refused the same way, and opens nothing.
    const init = await postMcp(
      http.url,
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
      },
      bearer(tokenOf('sessions')),
    );
    expect(init.status).toBe(429);
    expect(init.headers.get('mcp-session-id')).toBeNull();
    expect(init.json.error.message).toMatch(/^limit reached: 2 open IT sessions per caller/);
    // Writing to a session that is open is no new start.
    const again = await call(http.url, 'sessions', 'set_jira_project', {
      project: 'OPS',
      session_id: first.structuredContent.session_id,
    });
    expect(again.json.result.isError).toBeFalsy();

    const closed = await call(http.url, 'sessions', 'close_session', {
      session_id: first.structuredContent.session_id,
    });
    expect(closed.json.result.isError).toBeFalsy();
    await settle(itStack.client, itStack.taskQueue, prefix, 1);
    expect((await open()).json.result.isError).toBeFalsy();
    // Another caller has a bound of its own.
    expect((await call(http.url, 'tasks', 'set_jira_project', { project: 'DEMO' })).json.result.isError).toBeFalsy();
  });

  it('running MCP tasks: the third is refused by name, a keyed repeat is not a new start, and after a cancel a new one starts', async () => {
    const http = await financeServer({ limits: { tasks: limit(2, 'running MCP tasks', 'MCP_MAX_TASKS_PER_CALLER') } });
    const start = (meta?: Record<string, unknown>) => {
      const { body, headers } = modernCall('price_alert', longWatch, { tasks: true });
      if (meta) Object.assign(body.params._meta, meta);
      return postMcp(http.url, body, { ...headers, ...bearer(tokenOf('tasks')) });
    };
    const first = (await start({ idempotencyKey: 'limits-first' })).json.result;
    const second = (await start()).json.result;
    expect(first.taskId).toBeTypeOf('string');
    expect(second.taskId).toBeTypeOf('string');
    await settle(finance.client, finance.taskQueue, taskIdPrefix('tasks'), 2);

    const third = (await start()).json.result;
    expect(third.isError).toBe(true);
    expect(third.content[0].text).toContain(
      'limit reached: 2 running MCP tasks per caller (MCP_MAX_TASKS_PER_CALLER); 2 running now',
    );
    // The first call's key, repeated: the task it started, not a new one.
    const repeat = (await start({ idempotencyKey: 'limits-first' })).json.result;
    expect(repeat.taskId).toBe(first.taskId);

    const { body, headers } = modernRequest('tasks/cancel', { taskId: second.taskId, _meta: {} });
    headers['mcp-name'] = second.taskId;
    body.params._meta[CLIENT_CAPABILITIES_META_KEY] = { extensions: { [TASKS]: {} } };
    expect((await postMcp(http.url, body, { ...headers, ...bearer(tokenOf('tasks')) })).json.error).toBeUndefined();
    await settle(finance.client, finance.taskQueue, taskIdPrefix('tasks'), 1);
    expect((await start()).json.result.taskId).toBeTypeOf('string');
  });

  it('running long-running calls: the third price_alert is refused by name while quick tasks still start', async () => {
    const http = await financeServer({
      limits: {
        tasks: limit(20, 'running MCP tasks', 'MCP_MAX_TASKS_PER_CALLER'),
        longRunning: limit(2, 'running long-running tool calls', 'MCP_MAX_LONG_RUNNING_PER_CALLER'),
      },
    });
    const started = [];
    for (let i = 0; i < 2; i++)
      started.push((await call(http.url, 'long', 'price_alert', longWatch, { tasks: true })).json.result);
    for (const r of started) expect(r.taskId).toBeTypeOf('string');
    await settle(finance.client, finance.taskQueue, taskIdPrefix('long'), 2);

    const third = (await call(http.url, 'long', 'price_alert', longWatch, { tasks: true })).json.result;
    expect(third.isError).toBe(true);
    expect(third.content[0].text).toContain(
      'limit reached: 2 running long-running tool calls per caller (MCP_MAX_LONG_RUNNING_PER_CALLER); 2 running now',
    );
    const quick = (
      await call(http.url, 'long', 'calculate_roi', { principal: 1, annual_rate: 0.1, years: 1 }, { tasks: true })
    ).json.result;
    expect(quick.isError).toBeFalsy();
  });
});

describe('a long-running call answered within the request', () => {
  /** Starts a synchronous price_alert, aborts its request once its task runs, and waits for the task to close. */
  async function disconnectMidCall(subject: string, request: { body: unknown; headers: Record<string, string> }) {
    const http = await financeServer({});
    const abort = new AbortController();
    const pending = fetch(http.url, {
      method: 'POST',
      headers: { ...request.headers, ...bearer(tokenOf(subject)) },
      body: JSON.stringify(request.body),
      signal: abort.signal,
    }).catch((err: Error) => err);
    await waitFor('the task running', async () => (await financeTasks(subject)).some((t) => t.status === 'RUNNING'));
    abort.abort();
    expect(await pending).toBeInstanceOf(Error);
    await waitFor('the task closed', async () => {
      const tasks = await financeTasks(subject);
      return tasks.length === 1 && tasks[0]!.status !== 'RUNNING';
    });
    const [task] = await financeTasks(subject);
    expect(task!.status).toBe('CANCELLED');
  }

  it('2026-07-28: a client that disconnects leaves no running workflow', async () => {
    const { body, headers } = modernRequest('tools/call', {
      name: 'price_alert',
      arguments: longWatch,
      _meta: { progressToken: 'p1' },
    });
    await disconnectMidCall('gone-modern', { body, headers });
  });

  it('2025-era: a client that disconnects leaves no running workflow', async () => {
    const body = toolCall('price_alert', longWatch, 1, { progressToken: 'p1' });
    await disconnectMidCall('gone-legacy', {
      body,
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    });
  });

  it('past the wait bound: a tool error saying to use tasks, and the task is cancelled', async () => {
    const http = await financeServer({ maxSyncWaitMs: 1000 });
    const res = await call(http.url, 'too-long', 'price_alert', longWatch);
    expect(res.json.result.isError).toBe(true);
    expect(res.json.result.content[0].text).toMatch(
      /^price_alert ran longer than the 1 s a call answered within the request may take \(MCP_MAX_SYNC_WAIT_MS\), so it was cancelled\. Call it as an MCP task/,
    );
    await waitFor('the task closed', async () => {
      const tasks = await financeTasks('too-long');
      return tasks.length === 1 && tasks[0]!.status !== 'RUNNING';
    });
    expect((await financeTasks('too-long')).map((t) => t.status)).toEqual(['CANCELLED']);
  });
});
