/**
 * What the real IT MCP server (a subprocess) gives away without a token, and what it writes to its log: /healthz
 * answers a load balancer (its status and each check's verdict) behind the same Host/Origin check as /mcp, and names
 * no address, namespace or error, which go to the server's log instead; a 2025-era session id, a working capability
 * on a loopback server without auth, reaches the log at no level, only its digest does.
 */
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionLogId } from '../../mcp-servers/transports/http';
import { connectHttpClient } from '../support/mcp-client';
import { freePort, spawnEntry, spawnMcpServer, waitFor, type Spawned } from '../support/processes';
import { startItStack, type ItStack } from '../support/it-stack';
import { testConfig } from '../support/temporal';

const ENTRY = 'mcp-servers/it/main.ts';

let stack: ItStack;
let server: { proc: Spawned; url: string };
const spawned: Spawned[] = [];

beforeAll(async () => {
  stack = await startItStack();
  // The most verbose level: a session id must reach no line at any level.
  server = await spawnMcpServer(ENTRY, 'IT_MCP_PORT', { ...stack.env, LOG_LEVEL: 'trace' });
  spawned.push(server.proc);
});
afterAll(async () => {
  await Promise.all(spawned.map((p) => p.kill('SIGTERM')));
  await stack?.close();
});

const healthz = (mcpUrl: string) => mcpUrl.replace(/\/mcp$/, '/healthz');

describe('/healthz', () => {
  it('says ok and which check passed, and nothing about where Temporal is', async () => {
    const res = await fetch(healthz(server.url));
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ status: 'ok', temporal: 'ok' });
    const { address, namespaces } = testConfig().temporal;
    for (const secret of [address, namespaces.it, 'it-mcp']) expect(text).not.toContain(secret);
  });

  it('passes the same DNS-rebinding check as /mcp: a foreign Host or Origin gets 403', async () => {
    for (const headers of [{ host: 'evil.example' }, { origin: 'http://evil.example' }]) {
      const res = await request(healthz(server.url), { headers });
      expect(res.statusCode, JSON.stringify(headers)).toBe(403);
      expect(await res.body.text()).not.toContain('temporal');
    }
    const own = await request(healthz(server.url), { headers: { host: new URL(server.url).host } });
    expect(own.statusCode).toBe(200);
    await own.body.dump();
  });

  it('with Temporal unreachable: 503 and "unavailable" only; the address and the error go to the log', async () => {
    const nowhere = `127.0.0.1:${await freePort()}`;
    const port = await freePort();
    const proc = spawnEntry(ENTRY, { ...stack.env, TEMPORAL_ADDRESS: nowhere, IT_MCP_PORT: String(port) });
    spawned.push(proc);
    const url = `http://127.0.0.1:${port}/healthz`;
    let answer: { status: number; text: string } | undefined;
    await waitFor(
      'a 503 from /healthz',
      async () => {
        const res = await fetch(url);
        answer = { status: res.status, text: await res.text() };
        return res.status === 503;
      },
      30_000,
      proc,
    );
    expect(JSON.parse(answer!.text)).toEqual({ status: 'unavailable', temporal: 'unavailable' });
    expect(answer!.text).not.toContain(nowhere);
    await waitFor('the log line saying why', () => proc.output().includes('unhealthy'), 10_000, proc);
    const line = proc
      .output()
      .split('\n')
      .find((l) => l.includes('unhealthy'))!;
    expect(JSON.parse(line)).toMatchObject({ temporal: { address: nowhere, reachable: false } });
  });
});

describe('logs', () => {
  it('a 2025-era session id is never logged, only its digest', async () => {
    const client = await connectHttpClient(server.url);
    const transport = client.transport as StreamableHTTPClientTransport;
    const sessionId = transport.sessionId!;
    expect(sessionId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    await client.callTool({ name: 'get_ip_history', arguments: {} });
    await transport.terminateSession();
    await client.close();

    await waitFor('the session deleted line', () => server.proc.output().includes('session deleted'), 10_000);
    expect(server.proc.output()).not.toContain(sessionId);
    const lines = server.proc
      .output()
      .split('\n')
      .filter((l) => l.includes(sessionLogId(sessionId)));
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['session opened', 'session deleted']);
  });
});
