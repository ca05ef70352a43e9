/**
 * Sessions live in Temporal, not in a server process: they survive kill -9 of the IT MCP server and of the IT
 * worker, are served by any replica, and last through thousands of operations across continue-as-new.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itSessionWorkflowId } from '../../tool-workers/it/sessions';
import { connectHttpClient } from '../support/mcp-client';
import { spawnEntry, spawnMcpServer, waitFor } from '../support/processes';
import { startItStack, type ItStack } from '../support/it-stack';

let stack: ItStack;
beforeAll(async () => {
  stack = await startItStack({ maxHistoryEvents: 300 });
});
afterAll(() => stack?.close());

const IT_SERVER = 'mcp-servers/it/main.ts';
const data = (r: unknown) => (r as { structuredContent?: any }).structuredContent;

/** A client that resumes an existing session (as a client that kept its Mcp-Session-Id does). */
async function resume(url: string, sessionId: string): Promise<Client> {
  const client = new Client({ name: 'resumed', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { sessionId }));
  return client;
}

describe('IT sessions are durable and shared', () => {
  it('survive kill -9 and restart of the IT MCP server', async () => {
    const first = await spawnMcpServer(IT_SERVER, 'IT_MCP_PORT', stack.env);
    const client = await connectHttpClient(first.url);
    const sessionId = (client.transport as StreamableHTTPClientTransport).sessionId!;
    await client.callTool({ name: 'set_jira_project', arguments: { project: 'OPS' } });
    await client.callTool({ name: 'track_ip', arguments: {} });
    await first.proc.kill('SIGKILL');
    await client.close().catch(() => undefined);

    const second = await spawnMcpServer(IT_SERVER, 'IT_MCP_PORT', stack.env, first.port);
    try {
      const again = await resume(second.url, sessionId);
      const metrics = data(await again.callTool({ name: 'get_jira_metrics', arguments: {} }));
      expect(metrics.project).toBe('OPS');
      expect(data(await again.callTool({ name: 'get_ip_history', arguments: {} })).total_tracked).toBe(1);
      await again.callTool({ name: 'track_ip', arguments: {} });
      expect(data(await again.callTool({ name: 'get_ip_history', arguments: {} })).total_tracked).toBe(2);
      await again.close();
    } finally {
      await second.proc.kill();
    }
  });

  it('two server processes serve one session alternately with consistent state', async () => {
    const [a, b] = await Promise.all([
      spawnMcpServer(IT_SERVER, 'IT_MCP_PORT', stack.env),
      spawnMcpServer(IT_SERVER, 'IT_MCP_PORT', stack.env),
    ]);
    try {
      const viaA = await connectHttpClient(a.url);
      const sessionId = (viaA.transport as StreamableHTTPClientTransport).sessionId!;
      const viaB = await resume(b.url, sessionId);
      for (let i = 0; i < 10; i++) {
        const writer = i % 2 === 0 ? viaA : viaB;
        const reader = i % 2 === 0 ? viaB : viaA;
        await writer.callTool({ name: 'set_jira_project', arguments: { project: `R${i}X` } });
        await writer.callTool({ name: 'track_ip', arguments: {} });
        const history = data(await reader.callTool({ name: 'get_ip_history', arguments: {} }));
        expect(history.total_tracked).toBe(i + 1);
        expect((await stack.sessions.state(sessionId)).jira_project).toBe(`R${i}X`);
      }
      // Deleting through one replica ends the session for the other.
      await (viaB.transport as StreamableHTTPClientTransport).terminateSession();
      const res = await fetch(a.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-session-id': sessionId,
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      expect(res.status).toBe(404);
    } finally {
      await Promise.all([a.proc.kill(), b.proc.kill()]);
    }
  });

  it('survive kill -9 and restart of the IT worker, even with a call in flight', async () => {
    await stack.stopWorker(); // this test brings its own worker process
    const workerEnv = { ...stack.env };
    let worker = spawnEntry('tool-workers/it/main.ts', workerEnv);
    try {
      await waitFor('IT worker', () => /IT worker ready/.test(worker.output()), 60_000, worker);
      const http = await stack.startHttp();
      const client = await connectHttpClient(http.url);
      await client.callTool({ name: 'set_jira_project', arguments: { project: 'MOBILE' } });
      await client.callTool({ name: 'track_ip', arguments: {} });

      await worker.kill('SIGKILL');
      // Issued while no worker runs: it waits in Temporal, then completes on the new worker.
      const inFlight = client.callTool({ name: 'track_ip', arguments: {} });
      await new Promise((r) => setTimeout(r, 500));
      worker = spawnEntry('tool-workers/it/main.ts', workerEnv);
      await waitFor('IT worker again', () => /IT worker ready/.test(worker.output()), 60_000, worker);

      expect(data(await inFlight).history_length).toBe(2);
      const history = data(await client.callTool({ name: 'get_ip_history', arguments: {} }));
      expect(history.total_tracked).toBe(2);
      expect(data(await client.callTool({ name: 'get_jira_metrics', arguments: {} })).project).toBe('MOBILE');
      await client.close();
    } finally {
      await worker.kill();
      await stack.startWorker();
    }
  });

  it('one session takes 2,000 operations across continue-as-new with its state intact', async () => {
    const sessionId = await stack.sessions.open();
    const N = 2000;
    for (let i = 0; i < N; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          (i + j) % 2 === 0
            ? stack.sessions.setJiraProject(sessionId, `K${i + j}`, { requestId: `op-${i + j}` })
            : stack.sessions.recordIp(
                sessionId,
                { ip: `10.0.${Math.floor((i + j) / 256)}.${(i + j) % 256}`, source: 'local-interface', detail: 'test' },
                { requestId: `op-${i + j}` },
              ),
        ),
      );
      // Redelivered writes (same request id) apply once.
      await stack.sessions.setJiraProject(sessionId, 'DUPLICATE', { requestId: `op-${i}` });
    }
    const state = await stack.sessions.state(sessionId);
    expect(state.operations).toBe(N);
    expect(state.ip_history_total).toBe(N / 2);
    expect(state.ip_history).toHaveLength(N / 2);
    const expectedIps = Array.from({ length: N / 2 }, (_, k) => 2 * k + 1).map(
      (n) => `10.0.${Math.floor(n / 256)}.${n % 256}`,
    );
    expect(state.ip_history.map((r) => r.ip).sort()).toEqual(expectedIps.sort());
    expect(state.jira_project).not.toBe('DUPLICATE');

    // It really continued-as-new, with the state carried over, and the current run's history is bounded. How often
    // depends on timing: the server refuses a continue-as-new while writes of a burst are still buffered, so a run
    // under 50 concurrent writes at a time continues as new in the gaps between bursts.
    const runs: string[] = [];
    for await (const wf of stack.client.workflow.list({ query: `WorkflowId = "${itSessionWorkflowId(sessionId)}"` }))
      runs.push(wf.runId);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    const history = await stack.client.workflow.getHandle(itSessionWorkflowId(sessionId)).fetchHistory();
    expect(history.events!.length).toBeLessThan(1000);
  });
});
