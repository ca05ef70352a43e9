/**
 * Nexus, when things go wrong:
 * - kill -9 of the IT worker in the middle of a track_ip operation (its IP lookup hanging): a new worker takes the
 *   retried operation (the same Nexus request id), and the call completes once: one lookup workflow, one session,
 *   one write;
 * - the orchestrator worker with TOOL_TRANSPORT=nexus and an endpoint that does not exist refuses to start, in one
 *   line naming the endpoint and the command that creates it.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureNexusEndpoints } from '../../shared/temporal/nexus-endpoints';
import { startIpifyFake, type IpifyFake } from '../fakes/ipify';
import { startOrchestratorStack, type OrchestratorStack } from '../support/orchestrator-stack';
import { spawnEntry, waitFor, type Spawned } from '../support/processes';
import { testConfig, uniqueTaskQueue } from '../support/temporal';

let stack: OrchestratorStack;
let ipify: IpifyFake;
let worker: Spawned | undefined;

beforeAll(async () => {
  stack = await startOrchestratorStack({ input: { model: 'offline' } });
  ipify = await startIpifyFake('198.51.100.23');
});
afterAll(async () => {
  await worker?.kill();
  await ipify?.close();
  await stack?.close();
});

describe('Nexus operations survive a worker crash', () => {
  it('kill -9 of the IT worker mid-operation: the call completes once', async () => {
    const config = testConfig();
    const taskQueue = uniqueTaskQueue('it-nexus-crash');
    const endpoint = `test-it-crash-${randomUUID().slice(0, 8)}`;
    await ensureNexusEndpoints(stack.client.connection, [
      { name: endpoint, namespace: config.temporal.namespaces.it, taskQueue },
    ]);
    const env = {
      TEMPORAL_ADDRESS: config.temporal.address,
      IT_TASK_QUEUE: taskQueue,
      IP_LOOKUP_URL: `${ipify.url}/?format=json`,
      IP_LOOKUP_TIMEOUT_MS: '20000',
    };
    const startWorker = async () => {
      const w = spawnEntry('tool-workers/it/main.ts', env);
      await waitFor('the IT worker', () => /ready/i.test(w.output()), 60_000, w);
      return w;
    };
    worker = await startWorker();

    // Room for a worker to start again (it bundles its workflows first) inside the operation's deadline.
    const conversations = stack.conversationsWith({
      toolTransport: 'nexus',
      nexusEndpoints: { finance: stack.nexusEndpoints.finance, it: endpoint },
      toolCalls: { timeoutMs: 30_000, maxAttempts: 3 },
    });
    const conversation = await conversations.start();
    // Discovery first, so the turn below is the track_ip operation alone.
    await conversations.send(conversation, 'What is my IP address?');

    ipify.mode = 'hang';
    const asked = ipify.requests.length;
    const turn = conversations.send(conversation, 'Track my IP address');
    await waitFor('the IP lookup to be under way', () => ipify.requests.length > asked, 30_000);
    await worker.kill('SIGKILL');
    ipify.mode = 'ok';
    worker = await startWorker();

    const reply = await turn;
    expect(reply.toolCalls).toEqual([expect.objectContaining({ tool: 'track_ip', ok: true })]);
    expect(reply.reply).toContain('198.51.100.23');

    const it = stack.it.client; // same namespace
    const count = async (type: string) => {
      let n = 0;
      for await (const _ of it.workflow.list({ query: `WorkflowType = '${type}' AND TaskQueue = '${taskQueue}'` })) n++;
      return n;
    };
    // get_ip's lookup and track_ip's: two, not three.
    await waitFor('the workflow list', async () => (await count('ipLookupWorkflow')) >= 2, 20_000);
    expect(await count('ipLookupWorkflow')).toBe(2);
    expect(await count('itSessionWorkflow')).toBe(1);
    const { itSessionId } = await conversations.transcript(conversation);
    const sessions: { workflowId: string }[] = [];
    for await (const wf of it.workflow.list({
      query: `WorkflowType = 'itSessionWorkflow' AND TaskQueue = '${taskQueue}'`,
    }))
      sessions.push(wf);
    const state = (await it.workflow.getHandle(sessions[0]!.workflowId).query('sessionState')) as {
      session_id: string;
      operations: number;
      ip_history_total: number;
    };
    expect(state).toMatchObject({ session_id: itSessionId, operations: 1, ip_history_total: 1 });
  });
});

describe('missing Nexus endpoints', () => {
  it('the orchestrator worker refuses to start, naming the endpoint and how to create it', async () => {
    const config = testConfig();
    const missing = `missing-endpoint-${randomUUID().slice(0, 8)}`;
    const proc = spawnEntry('orchestrator/main.ts', {
      TEMPORAL_ADDRESS: config.temporal.address,
      ORCHESTRATOR_TASK_QUEUE: uniqueTaskQueue('orchestrator-missing-endpoint'),
      TOOL_TRANSPORT: 'nexus',
      FINANCE_NEXUS_ENDPOINT: missing,
      IT_NEXUS_ENDPOINT: stack.nexusEndpoints.it,
    });
    const code = await new Promise<number | null>((resolve) => proc.child.once('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    const lines = proc
      .output()
      .trim()
      .split('\n')
      .filter((l) => l.includes(missing));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`Nexus endpoint ${missing} does not exist`);
    expect(lines[0]).toContain(
      `temporal operator nexus endpoint create --name ${missing} --target-namespace ${config.temporal.namespaces.finance}`,
    );
    expect(lines[0]).toContain('npm run temporal');
  });
});
