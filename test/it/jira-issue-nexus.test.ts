/**
 * create_jira_issue over Nexus (issue 27, parts 1 and 2): the IT worker's handler refuses it by default with a
 * non-retryable BAD_REQUEST naming the approval policy, and nothing is filed; a worker whose policy turns approval off
 * for it files one issue in the session's project. Real Temporal, real IT workers behind real Nexus endpoints, called by
 * a real workflow in the orchestrator's namespace.
 */
import { randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, connectWorker } from '../../shared/temporal/connection';
import { ensureNexusEndpoints } from '../../shared/temporal/nexus-endpoints';
import { CALLER_HEADER } from '../../shared/tools/nexus-service';
import { IpLookup } from '../../tool-workers/it/ip/lookup';
import { SampleJiraProvider } from '../../tool-workers/it/jira/sample';
import { createItWorker } from '../../tool-workers/it/worker';
import { prebuiltBundle, testConfig, uniqueTaskQueue } from '../support/temporal';
import type { NexusCallOutcome } from '../security/nexus-caller/workflows';

const config = testConfig();
const callerNamespace = config.temporal.namespaces.orchestrator;
const suffix = randomUUID().slice(0, 8);
const queues = { guarded: uniqueTaskQueue('it-approval'), open: uniqueTaskQueue('it-no-approval') };
const endpoints = { guarded: `test-it-approval-${suffix}`, open: `test-it-no-approval-${suffix}` };
const callerQueue = uniqueTaskQueue('approval-caller');
const jira = { guarded: new SampleJiraProvider(), open: new SampleJiraProvider() };

let workerConnection: NativeConnection;
let clientConnection: Client['connection'];
let caller: Client;
let ip: IpLookup;
let workers: { worker: Worker; running: Promise<void> }[] = [];

beforeAll(async () => {
  workerConnection = await connectWorker(config.temporal);
  clientConnection = await connectClient(config.temporal);
  caller = new Client({ connection: clientConnection, namespace: callerNamespace });
  ip = new IpLookup({ timeoutMs: 500 });
  const nexus = { sessionIdleTimeoutMs: 3_600_000, toolTimeoutMs: 30_000 };
  const created = await Promise.all([
    createItWorker({
      connection: workerConnection,
      namespace: config.temporal.namespaces.it,
      taskQueue: queues.guarded,
      deps: { jira: jira.guarded, ip },
      workflowBundlePath: prebuiltBundle('it'),
      nexus, // no policy given: each tool's default
    }),
    createItWorker({
      connection: workerConnection,
      namespace: config.temporal.namespaces.it,
      taskQueue: queues.open,
      deps: { jira: jira.open, ip },
      workflowBundlePath: prebuiltBundle('it'),
      nexus: { ...nexus, approvals: { mode: 'default', always: [], never: ['create_jira_issue'] } },
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
    { name: endpoints.guarded, namespace: config.temporal.namespaces.it, taskQueue: queues.guarded },
    { name: endpoints.open, namespace: config.temporal.namespaces.it, taskQueue: queues.open },
  ]);
});
afterAll(async () => {
  for (const { worker } of workers) worker.shutdown();
  await Promise.all(workers.map((w) => w.running));
  await ip?.close();
  await clientConnection?.close();
  await workerConnection?.close();
});

function call(which: 'guarded' | 'open', operation: string, input: unknown): Promise<NexusCallOutcome> {
  return caller.workflow.execute('nexusCallWorkflow', {
    taskQueue: callerQueue,
    workflowId: `approval-${operation}-${randomUUID()}`,
    args: [{ endpoint: endpoints[which], service: 'it', operation, input }],
    memo: { headers: { [CALLER_HEADER]: 'approvals' } },
  });
}

async function sessionWithProject(which: 'guarded' | 'open'): Promise<string> {
  const set = await call(which, 'set_jira_project', { project: 'DEMO' });
  expect(set.ok, JSON.stringify(set)).toBe(true);
  return (set as { result: { session_id: string } }).result.session_id;
}
const issue = (session_id: string) => ({ summary: 'Printer offline', description: 'Floor 2.', session_id });

describe('create_jira_issue over Nexus', () => {
  it('is refused by default with a BAD_REQUEST naming the policy; nothing is filed', async () => {
    const session = await sessionWithProject('guarded');
    const refused = await call('guarded', 'create_jira_issue', issue(session));
    expect(refused).toEqual({
      ok: false,
      type: 'BAD_REQUEST',
      message: expect.stringContaining(
        "create_jira_issue was not run: the approval policy requires a person's approval for it",
      ),
    });
    expect((refused as { message: string }).message).toContain('TOOL_APPROVAL_NEVER=create_jira_issue');
    expect(jira.guarded.created.length).toBe(0);
  });

  it('with approval turned off for it, files one issue in the session project', async () => {
    const session = await sessionWithProject('open');
    const filed = await call('open', 'create_jira_issue', issue(session));
    expect(filed.ok, JSON.stringify(filed)).toBe(true);
    expect((filed as { result: unknown }).result).toMatchObject({
      key: expect.stringMatching(/^DEMO-\d+$/),
      project: 'DEMO',
      summary: 'Printer offline',
      session_id: session,
    });
    expect(jira.open.created.length).toBe(1);
  });
});
