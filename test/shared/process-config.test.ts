/**
 * Each process reads only its own config, tried the way a user starts them: real subprocesses of the entry points
 * against the test run's Temporal server. A wrong LLM or Jira setting leaves the finance worker and the MCP server
 * serving; a worker whose namespace the server lacks says in one line which command registers it.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { connectHttpClient } from '../support/mcp-client';
import { spawnEntry, spawnMcpServer, waitFor, type Spawned } from '../support/processes';
import { testConfig, uniqueTaskQueue } from '../support/temporal';

/** Settings that only the orchestrator (LLM_MODEL without a key) and the IT worker (Jira Cloud without a URL) read. */
const LLM_AND_JIRA_MISTAKES = { LLM_MODEL: 'gpt-4o', JIRA_PROVIDER: 'cloud' };

const running: Spawned[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.kill('SIGTERM')));
});

function exited(proc: Spawned): Promise<number | null> {
  if (proc.child.exitCode !== null) return Promise.resolve(proc.child.exitCode);
  return new Promise((resolve) => proc.child.once('exit', (code) => resolve(code)));
}

describe('per-process config', () => {
  it(
    'LLM_MODEL=gpt-4o without a key: the finance worker and the Finance MCP server start and serve finance',
    { timeout: 240_000 },
    async () => {
      const env = {
        TEMPORAL_ADDRESS: testConfig().temporal.address,
        FINANCE_TASK_QUEUE: uniqueTaskQueue('process-config'),
        ...LLM_AND_JIRA_MISTAKES,
      };
      const worker = spawnEntry('tool-workers/finance/main.ts', env);
      running.push(worker);
      // The server also ignores its worker's quote provider and the IT server's port.
      const mcp = await spawnMcpServer('mcp-servers/finance/main.ts', 'FINANCE_MCP_PORT', {
        ...env,
        QUOTE_PROVIDER: 'alphavantage',
        IT_MCP_PORT: 'not-a-port',
      });
      running.push(mcp.proc);
      // The worker bundles its workflows before it polls.
      await waitFor('the finance worker', () => worker.output().includes('finance worker ready'), 180_000, worker);

      const client = await connectHttpClient(mcp.url);
      try {
        const result = await client.callTool({
          name: 'calculate_roi',
          arguments: { principal: 10000, annual_rate: 0.05, years: 10 },
        });
        expect(result.isError ?? false).toBe(false);
        expect((result.structuredContent as { final_value: number }).final_value).toBe(16288.95);
      } finally {
        await client.close();
      }
      expect(worker.output() + mcp.proc.output()).not.toMatch(/LLM_MODEL|JIRA_/);
    },
  );

  it(
    'a worker whose namespace the server lacks exits with one line naming the command that registers it',
    { timeout: 60_000 },
    async () => {
      const namespace = `missing-${randomUUID()}`;
      const { address } = testConfig().temporal;
      const worker = spawnEntry('tool-workers/finance/main.ts', {
        TEMPORAL_ADDRESS: address,
        TEMPORAL_FINANCE_NAMESPACE: namespace,
      });
      running.push(worker);
      expect(await exited(worker)).toBe(1);
      expect(worker.output().trim().split('\n')).toEqual([
        `worker:finance: namespace ${namespace} does not exist on the Temporal server at ${address}: register it with \`npm run temporal\` ` +
          `(it registers this project's namespaces on the server at TEMPORAL_ADDRESS) or \`temporal operator namespace create --namespace ${namespace}\``,
      ]);
    },
  );
});
