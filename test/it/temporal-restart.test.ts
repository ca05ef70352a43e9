/**
 * Restarts lose nothing: the Temporal dev server (on a SQLite file, as `npm run temporal` runs it) goes down in the
 * middle of an IT session and comes back on the same file. While it is down, calls get clear errors promptly (no
 * hang); once it is back, the same handle carries on with its state intact, through the same MCP server and worker
 * processes, which were never restarted.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config';
import { findTemporalCli } from '../../shared/temporal/cli-binary';
import { spawnDevServer, isTemporalServing, type RunningDevServer } from '../../shared/temporal/dev-server';
import { connectModernClient, type ModernClient } from '../support/mcp-client';
import { freePort, spawnEntry, spawnMcpServer, waitFor, type Spawned } from '../support/processes';

const data = (r: unknown) => (r as { structuredContent?: any }).structuredContent;
const text = (r: unknown) => (r as { content: { text: string }[] }).content[0]!.text;

let temporalPort: number;
let dbFile: string;
let cliPath: string;
let server: RunningDevServer | undefined;
let worker: Spawned | undefined;
let mcp: Awaited<ReturnType<typeof spawnMcpServer>> | undefined;
let env: Record<string, string>;

async function startTemporal(): Promise<void> {
  server = spawnDevServer({
    cliPath,
    address: `127.0.0.1:${temporalPort}`,
    uiPort: await freePort(),
    dbFile,
    namespaces: ['it-namespace'],
    stdio: 'ignore',
  });
  const cfg = parseConfig({ TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}` }).temporal;
  await waitFor('the Temporal dev server', () => isTemporalServing(cfg), 60_000);
}

beforeAll(async () => {
  cliPath = await findTemporalCli({ cacheDir: parseConfig({}).devServer.cliCacheDir });
  temporalPort = await freePort();
  dbFile = path.join(mkdtempSync(path.join(tmpdir(), 'temporal-restart-')), 'temporal.db');
  await startTemporal();
  env = {
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    IT_TASK_QUEUE: `restart-${Date.now()}`,
    LOG_LEVEL: 'warn',
    MCP_TOOL_TIMEOUT_MS: '10000',
  };
  worker = spawnEntry('tool-workers/it/main.ts', env);
  mcp = await spawnMcpServer('mcp-servers/it/main.ts', 'IT_MCP_PORT', env);
}, 180_000);

afterAll(async () => {
  await Promise.all([mcp?.proc.kill(), worker?.kill()]);
  await server?.stop();
});

describe('the Temporal server restarts under an IT session', () => {
  it(
    'calls fail clearly while it is down, and the session carries on with its state once it is back',
    { timeout: 240_000 },
    async () => {
      let client: ModernClient = await connectModernClient(mcp!.url);
      // The worker bundles its workflows first; the first write waits for it.
      const set = await client.callTool(
        { name: 'set_jira_project', arguments: { project: 'OPS' } },
        { timeout: 120_000 },
      );
      const sessionId = data(set).session_id as string;
      expect(sessionId).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(
        data(await client.callTool({ name: 'track_ip', arguments: { session_id: sessionId } })).history_length,
      ).toBe(1);

      await server!.stop();
      // Down: an answer (a tool error naming the problem, or a transport error), not a hang. 60 s bounds liveness only.
      const down = await client
        .callTool({ name: 'get_ip_history', arguments: { session_id: sessionId } }, { timeout: 60_000 })
        .then(
          (r) => ({ isError: r.isError === true, message: text(r) }),
          (err: Error) => ({ isError: true, message: err.message }),
        );
      expect(down.isError).toBe(true);
      expect(down.message).toMatch(/unavailable|connect|ECONNREFUSED|UNAVAILABLE|failed/i);
      expect((await fetch(mcp!.url.replace(/\/mcp$/, '/healthz'))).status).toBe(503);

      await startTemporal();
      await waitFor(
        'the IT server to see Temporal again',
        async () => (await fetch(mcp!.url.replace(/\/mcp$/, '/healthz'))).status === 200,
        60_000,
      );
      await client.close().catch(() => undefined);
      client = await connectModernClient(mcp!.url);
      // Same handle, same state; writes go on (the worker reconnects by itself).
      expect(
        data(
          await client.callTool(
            { name: 'get_jira_metrics', arguments: { session_id: sessionId } },
            { timeout: 60_000 },
          ),
        ).project,
      ).toBe('OPS');
      const tracked = await client.callTool(
        { name: 'track_ip', arguments: { session_id: sessionId } },
        { timeout: 60_000 },
      );
      expect(data(tracked).history_length).toBe(2);
      expect(
        data(await client.callTool({ name: 'get_ip_history', arguments: { session_id: sessionId } })).total_tracked,
      ).toBe(2);
      await client.close();
    },
  );
});
