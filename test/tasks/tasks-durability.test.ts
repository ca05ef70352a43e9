/**
 * A task is its workflow, so it outlives the processes around it. Real subprocesses on the real dev server: two
 * Finance MCP server replicas and a finance worker. A price_alert started as a task from one replica keeps being
 * answered by the other after kill -9 of the first, survives kill -9 of the worker mid-watch, is answered again by the
 * restarted server, and completes exactly once.
 */
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient } from '../../shared/temporal/connection';
import { taskWorkflowId } from '../../mcp-servers/adapter/tasks/task-workflows';
import { spawnEntry, spawnMcpServer, waitFor, type Spawned } from '../support/processes';
import { testConfig, uniqueTaskQueue } from '../support/temporal';
import { taskClient } from './task-client';

const SERVER = 'mcp-servers/finance/main.ts';
const WORKER = 'tool-workers/finance/main.ts';

let client: Client;
let close: () => Promise<void>;
const config = testConfig();
const env = {
  TEMPORAL_ADDRESS: config.temporal.address,
  FINANCE_TASK_QUEUE: uniqueTaskQueue('finance-tasks'),
  QUOTE_PROVIDER: 'sample',
};

beforeAll(async () => {
  const connection = await connectClient(config.temporal);
  client = new Client({ connection, namespace: config.temporal.namespaces.finance });
  close = () => connection.close();
});
afterAll(() => close?.());

const startWorker = async () => {
  const worker = spawnEntry(WORKER, env);
  await waitFor('finance worker', () => /finance worker ready/.test(worker.output()), 60_000, worker);
  return worker;
};

describe('a price_alert task survives kill -9 of the server and of the worker', () => {
  it('is answered by another replica and by the restarted server, and completes once', async () => {
    const spawned: Spawned[] = [];
    try {
      let worker = await startWorker();
      spawned.push(worker);
      const [a, b] = await Promise.all([
        spawnMcpServer(SERVER, 'FINANCE_MCP_PORT', env),
        spawnMcpServer(SERVER, 'FINANCE_MCP_PORT', env),
      ]);
      spawned.push(a.proc, b.proc);
      let url = a.url;
      const viaA = taskClient(() => url);
      const viaB = taskClient(() => b.url);

      // IBM is 222.97 in the sample quotes: the alert never triggers, so the watch runs its 12 s.
      const { result: created } = await viaA.call('price_alert', {
        symbol: 'IBM',
        direction: 'above',
        threshold: 10_000,
        check_every_seconds: 1,
        watch_minutes: 0.2,
      });
      expect(created!.resultType).toBe('task');
      const { taskId } = created!;
      await viaA.poll(taskId, (t) => /^1 check/.test(t.statusMessage ?? '') || t.status !== 'working');

      // kill -9 of the server that created the task: the other replica answers for it.
      await a.proc.kill('SIGKILL');
      expect((await viaB.get(taskId)).result!.status).toBe('working');

      // kill -9 of the worker mid-watch, then a new one: the workflow carries on where it was.
      const before = await viaB.poll(
        taskId,
        (t) => /^[2-9] checks/.test(t.statusMessage ?? '') || t.status !== 'working',
      );
      expect(before.status).toBe('working');
      await worker.kill('SIGKILL');
      worker = await startWorker();
      spawned.push(worker);

      // The restarted server (same port) answers too, and the client polls it to the end.
      const restarted = await spawnMcpServer(SERVER, 'FINANCE_MCP_PORT', env, a.port);
      spawned.push(restarted.proc);
      url = restarted.url;
      const done = await viaA.poll(taskId);
      expect(done.status).toBe('completed');
      const alert = done.result.structuredContent;
      expect(alert).toMatchObject({ symbol: 'IBM', triggered: false, last_price: 222.97 });

      // Once: one completion, and exactly one successful quote activity per check the result reports.
      const handle = client.workflow.getHandle(taskWorkflowId(taskId));
      const events = (await handle.fetchHistory()).events!;
      expect(events.filter((e) => e.workflowExecutionCompletedEventAttributes)).toHaveLength(1);
      expect(events.filter((e) => e.activityTaskCompletedEventAttributes)).toHaveLength(alert.checks);
      expect(await handle.result()).toEqual(alert);
      // Every replica answers the same afterwards.
      expect((await viaB.get(taskId)).result!.result.structuredContent).toEqual(alert);
    } finally {
      await Promise.all(spawned.map((p) => p.kill()));
    }
  });
});
