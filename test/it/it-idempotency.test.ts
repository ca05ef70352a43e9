/**
 * IT idempotency keys are bound to the tool and arguments of the write they first made, and hold for as long as a key
 * can be retried (issue 26, item 6): a key reused with other arguments, or for another tool, is refused as a conflict
 * (as finance refuses one) and changes nothing; a watch's own writes, however many, never push a caller's key out,
 * across continue-as-new. And a watch's progress never names the session's handle (item 10).
 */
import { randomUUID } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itSessionWorkflowId } from '../../tool-workers/it/sessions';
import { taskProgressQuery } from '../../shared/tools/task-progress';
import type { IpWatchInput } from '../../tool-workers/it/session-contract';
import { watchIpTool } from '../../tool-workers/it/tools';
import { connectHttpClient, connectModernClient, type ModernClient } from '../support/mcp-client';
import { startItStack, type ItStack } from '../support/it-stack';
import { waitFor } from '../support/processes';
import { taskClient } from '../tasks/task-client';

let stack: ItStack;
let url: string;
let mcp: ModernClient;

beforeAll(async () => {
  // A small history bound, so the sessions continue as new (carrying their keys) in the middle of a watch.
  stack = await startItStack({ maxHistoryEvents: 300 });
  url = (await stack.startHttp()).url;
  mcp = await connectModernClient(url);
});
afterAll(async () => {
  await mcp?.close();
  await stack?.close();
});

const unique = (label: string) => `${label}-${randomUUID()}`;

async function keyed(name: string, args: Record<string, unknown>, key: string) {
  return (await mcp.callTool({ name, arguments: args, _meta: { idempotencyKey: key } })) as CallToolResult;
}
const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;
const data = (r: CallToolResult) => r.structuredContent as Record<string, any>;

describe('a keyed IT write is bound to its tool and arguments', () => {
  it('a key reused with other arguments, or for another tool, is refused as a conflict and changes nothing', async () => {
    const key = unique('project');
    const first = await keyed('set_jira_project', { project: 'OPS' }, key);
    expect(first.isError).toBeFalsy();
    const sessionId = data(first).session_id as string;
    const before = await stack.sessions.state(sessionId);
    expect(before).toMatchObject({ jira_project: 'OPS', operations: 1, ip_history_total: 0 });

    const other = await keyed('set_jira_project', { project: 'WEB', session_id: sessionId }, key);
    expect(other.isError).toBe(true);
    expect(text(other)).toBe(
      `idempotency key ${JSON.stringify(key)} was already used for set_jira_project with different arguments`,
    );

    const otherTool = await keyed('track_ip', { session_id: sessionId }, key);
    expect(otherTool.isError).toBe(true);
    expect(text(otherTool)).toBe(
      `idempotency key ${JSON.stringify(key)} was already used for set_jira_project in this session`,
    );

    // Same key, same arguments: the retry succeeds and is applied once.
    const retry = await keyed('set_jira_project', { project: 'OPS' }, key);
    expect(retry.isError).toBeFalsy();
    expect(data(retry)).toMatchObject({ session_id: sessionId, jira_project: 'OPS' });

    const after = await stack.sessions.state(sessionId);
    expect(after).toMatchObject({ jira_project: 'OPS', operations: 1, ip_history_total: 0, ip_history: [] });
  });

  it('after a watch of many writes (and continue-as-new), a keyed retry of an earlier write is still applied once', async () => {
    const ipKey = unique('track');
    const projectKey = unique('project');
    const tracked = await keyed('track_ip', {}, ipKey);
    expect(tracked.isError).toBeFalsy();
    const sessionId = data(tracked).session_id as string;
    expect(
      (await keyed('set_jira_project', { project: 'DATA', session_id: sessionId }, projectKey)).isError,
    ).toBeFalsy();
    const session = stack.client.workflow.getHandle(itSessionWorkflowId(sessionId));
    const firstRun = (await session.describe()).runId;

    // More writes than the window of a watch's own ids (256), as fast as the workflow goes: watch_ip workflows
    // themselves, started as the server starts them but at a millisecond pace, side by side, and cancelled once they
    // have written enough (about five workflow tasks a write: seconds on an idle machine, minutes on a busy one).
    const input: IpWatchInput = {
      sessionId,
      sessionWorkflowId: itSessionWorkflowId(sessionId),
      everySeconds: 0.001,
      forMinutes: 30,
    };
    const watches = await Promise.all(
      [1, 2, 3, 4].map(() =>
        stack.client.workflow.start(watchIpTool.workflow.type, {
          taskQueue: stack.taskQueue,
          workflowId: unique('watch-ip-test'),
          args: [input],
        }),
      ),
    );
    const written = async () =>
      (await Promise.all(watches.map((w) => w.query(taskProgressQuery)))).reduce((n, p) => n + p.progress, 0);
    while ((await written()) < 300) await new Promise((r) => setTimeout(r, 1000));
    await Promise.all(watches.map((w) => w.cancel()));
    for (const watch of watches) {
      await waitFor('the watch to end', async () => (await watch.describe()).status.name !== 'RUNNING', 30_000);
    }

    const watched = await stack.sessions.state(sessionId);
    expect(watched.ip_history_total).toBeGreaterThanOrEqual(301);
    expect((await session.describe()).runId).not.toBe(firstRun); // the keys crossed continue-as-new

    const ipRetry = await keyed('track_ip', {}, ipKey);
    expect(ipRetry.isError).toBeFalsy();
    expect(data(ipRetry).session_id).toBe(sessionId);
    const projectRetry = await keyed('set_jira_project', { project: 'DATA', session_id: sessionId }, projectKey);
    expect(projectRetry.isError).toBeFalsy();

    const after = await stack.sessions.state(sessionId);
    expect(after.ip_history_total).toBe(watched.ip_history_total);
    expect(after.operations).toBe(watched.operations);
  }, 600_000);
});

describe("watch_ip's progress does not name the session's handle", () => {
  it('neither the task status (what a follower heartbeats) nor progress notifications hold it', async () => {
    const set = await mcp.callTool({ name: 'set_jira_project', arguments: { project: 'OPS' } });
    const sessionId = data(set as CallToolResult).session_id as string;
    const args = { session_id: sessionId, every_seconds: 1, for_minutes: 0.05 };

    // As a task: every status a poller sees while it runs.
    const tasks = taskClient(() => url);
    const { result: created } = await tasks.call('watch_ip', args);
    expect(created!.resultType).toBe('task');
    const statuses: string[] = [];
    const done = await tasks.poll(created!.taskId, (t) => {
      if (t.status === 'working' && t.statusMessage) statuses.push(t.statusMessage);
      return t.status !== 'working';
    });
    expect(done.status).toBe('completed');

    // Without tasks, with a progressToken: every progress notification.
    const legacy = await connectHttpClient(url);
    const progress: string[] = [];
    try {
      const result = await legacy.callTool({ name: 'watch_ip', arguments: args }, undefined, {
        onprogress: (p) => progress.push(p.message ?? ''),
        timeout: 60_000,
      });
      expect(result.isError).toBeFalsy();
    } finally {
      await legacy.close();
    }

    const seen = [...statuses, ...progress];
    expect(
      seen.some((m) => /lookups? recorded/.test(m)),
      JSON.stringify(seen),
    ).toBe(true);
    for (const message of seen) expect(message).not.toContain(sessionId);
  });
});
