/**
 * The orchestrator's MCP client: the official SDK client over one pooled keep-alive connection, not a new
 * connection per call; IT sessions re-attached by id; classified failures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpCallError, McpClientPool } from '../../orchestrator/mcp/client-pool';
import type { FinanceStack } from '../support/finance-stack';
import { freePort } from '../support/processes';
import { startToolServers, type ToolServers } from '../support/tool-servers';
import type { RunningHttpServer } from '../../mcp-servers/transports/http';

let servers: ToolServers;
let finance: FinanceStack;
let itHttp: RunningHttpServer;
beforeAll(async () => {
  servers = await startToolServers();
  ({ finance, itHttp } = servers);
});
afterAll(() => servers?.close());

describe('McpClientPool', () => {
  it('reuses one keep-alive connection for many calls', async () => {
    let connections = 0;
    const count = () => (connections += 1);
    finance.http.server.on('connection', count);
    const pool = new McpClientPool({ servers: { finance: finance.url }, requestTimeoutMs: 10_000 });
    try {
      const calls = async (n: number) => {
        for (let i = 0; i < n; i++) {
          const result = await pool.callTool('finance', { name: 'calculate_roi', arguments: { principal: 1000 + i, annual_rate: 0.05, years: 1 } });
          expect(result.isError).toBeFalsy();
        }
      };
      await calls(5);
      // Connecting may open a few in parallel (initialize, the optional SSE GET); after that, none are added.
      const warm = connections;
      expect(warm).toBeLessThanOrEqual(3);
      await calls(30);
      expect(connections).toBe(warm);
      expect(pool.requestsSent).toBeGreaterThanOrEqual(36);
    } finally {
      finance.http.server.off('connection', count);
      await pool.close();
    }
  });

  it('opens an IT session, and a second pool (another worker process) re-attaches to it by id', async () => {
    const first = new McpClientPool({ servers: { it: itHttp.url }, requestTimeoutMs: 10_000 });
    const second = new McpClientPool({ servers: { it: itHttp.url }, requestTimeoutMs: 10_000 });
    try {
      const sessionId = await first.connectFresh('it');
      expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
      await first.callTool('it', { name: 'set_jira_project', arguments: { project: 'MOBILE' } }, sessionId);
      const metrics = await second.callTool('it', { name: 'get_jira_metrics', arguments: {} }, sessionId);
      expect((metrics.structuredContent as { project: string }).project).toBe('MOBILE');
      await second.closeSession('it', sessionId!);
      await expect(first.callTool('it', { name: 'get_ip', arguments: {} }, sessionId)).rejects.toMatchObject({ kind: 'session-not-found' });
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('a stateless server issues no session', async () => {
    const pool = new McpClientPool({ servers: { finance: finance.url }, requestTimeoutMs: 10_000 });
    try {
      expect(await pool.connectFresh('finance')).toBeUndefined();
      expect((await pool.listTools('finance')).map((t) => t.name).sort()).toEqual(['calculate_roi', 'stock_price']);
    } finally {
      await pool.close();
    }
  });

  it('classifies a server that is down as unreachable, and an unknown tool as rejected', async () => {
    const pool = new McpClientPool({ servers: { finance: `http://127.0.0.1:${await freePort()}/mcp`, real: finance.url }, requestTimeoutMs: 2_000 });
    try {
      const down = await pool.listTools('finance').catch((e: unknown) => e);
      expect(down).toBeInstanceOf(McpCallError);
      expect(down).toMatchObject({ kind: 'unreachable', message: expect.stringMatching(/finance MCP server is unreachable at http:\/\/127\.0\.0\.1:\d+\/mcp: ECONNREFUSED/) });
      await expect(pool.callTool('real', { name: 'no_such_tool', arguments: {} })).rejects.toMatchObject({ kind: 'rejected' });
    } finally {
      await pool.close();
    }
  });
});
