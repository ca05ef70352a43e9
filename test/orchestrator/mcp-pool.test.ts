/**
 * The orchestrator's MCP client against the real servers over HTTP, watched through a recording proxy: MCP
 * 2026-07-28 (one server/discover per process and server, never initialize, no Mcp-Session-Id), one HTTP request per
 * call on one pooled keep-alive connection, the bearer token and `_meta` on every call, IT session handles that any
 * worker process can use, cacheable tool lists, and classified failures.
 */
import { financeToolNames } from '../../tool-workers/finance/tools';
import { itToolNames } from '../../tool-workers/it/tools';
import {
  CLIENT_CAPABILITIES_META_KEY,
  PROTOCOL_VERSION_META_KEY,
  type CallToolResult,
} from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { McpAuthConfig } from '../../shared/config';
import { MCP_PROTOCOL_VERSION, McpCallError, McpClientPool } from '../../orchestrator/mcp/client-pool';
import { itSessionContract } from '../../orchestrator/contract/conversation';
import { freePort } from '../support/processes';
import { startToolServers, type ToolServers } from '../support/tool-servers';
import { startRecordingProxy, type RecordingProxy } from './recording-proxy';

const TOKEN = 'tok_pool_test_3c9d1e';
const auth: McpAuthConfig = {
  staticTokens: [{ subject: 'orchestrator', token: TOKEN, scopes: ['tools.read', 'tools.write'] }],
};
const HANDLE = /^[A-Za-z0-9_-]{16,128}$/;

let servers: ToolServers;
let financeProxy: RecordingProxy;
let itProxy: RecordingProxy;
beforeAll(async () => {
  servers = await startToolServers({ auth });
  financeProxy = await startRecordingProxy(servers.finance.url);
  itProxy = await startRecordingProxy(servers.itHttp.url);
});
afterAll(async () => {
  await financeProxy?.close();
  await itProxy?.close();
  await servers?.close();
});

const sessionOf = (result: CallToolResult) =>
  (result.structuredContent as Record<string, unknown> | undefined)?.[itSessionContract.handleArgument];
const errorKindOf = (result: CallToolResult) =>
  (result._meta as Record<string, unknown> | undefined)?.[itSessionContract.errorMetaKey];

describe('McpClientPool', () => {
  it('speaks 2026-07-28: one discover, then one HTTP request per call on one keep-alive connection', async () => {
    const pool = new McpClientPool({ servers: { finance: financeProxy.url }, requestTimeoutMs: 10_000, token: TOKEN });
    const seen = financeProxy.requests.length;
    try {
      const call = (i: number) =>
        pool.callTool('finance', {
          name: 'calculate_roi',
          arguments: { principal: 1000 + i, annual_rate: 0.05, years: 1 },
          idempotencyKey: `pool-test-${i}`,
          onBehalfOf: 'dana',
        });
      expect((await call(0)).isError).toBeFalsy();
      const warm = { connections: financeProxy.connections, sent: pool.requestsSent };
      expect(warm.sent).toBe(2); // server/discover, then the call
      for (let i = 1; i <= 30; i++) expect((await call(i)).isError).toBeFalsy();
      expect(pool.requestsSent - warm.sent).toBe(30);
      expect(financeProxy.connections).toBe(warm.connections);
      expect(warm.connections).toBeLessThanOrEqual(2);

      const requests = financeProxy.requests.slice(seen);
      expect(requests).toHaveLength(31 + 1);
      expect(requests.map((r) => r.body?.method)).toEqual(['server/discover', ...Array(31).fill('tools/call')]);
      for (const r of requests) {
        expect(r.method).toBe('POST');
        expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
        expect(r.headers['mcp-protocol-version']).toBe(MCP_PROTOCOL_VERSION);
        expect(r.headers['mcp-session-id']).toBeUndefined();
        expect(r.body?.params?._meta?.[PROTOCOL_VERSION_META_KEY]).toBe(MCP_PROTOCOL_VERSION);
        expect(r.body?.params?._meta?.[CLIENT_CAPABILITIES_META_KEY]).toBeDefined();
      }
      expect(requests[1]!.body!.params!._meta).toMatchObject({ idempotencyKey: 'pool-test-0', onBehalfOf: 'dana' });
      expect(requests[1]!.headers['mcp-method']).toBe('tools/call');
    } finally {
      await pool.close();
    }
  });

  it('lists tools with their cache hints, asking the server each time (the workflow keeps the list)', async () => {
    const pool = new McpClientPool({
      servers: { finance: financeProxy.url, it: itProxy.url },
      requestTimeoutMs: 10_000,
      token: TOKEN,
    });
    try {
      const finance = await pool.listTools('finance');
      expect(finance.tools.map((t) => t.name)).toEqual([...financeToolNames]);
      expect(finance.ttlMs).toBeGreaterThan(0);
      expect(['public', 'private']).toContain(finance.cacheScope);
      const sent = pool.requestsSent;
      await pool.listTools('finance');
      expect(pool.requestsSent).toBe(sent + 1);

      const it = await pool.listTools('it');
      const byName = new Map(it.tools.map((t) => [t.name, t]));
      expect([...byName.keys()].sort()).toEqual([...itToolNames].sort());
      for (const name of ['set_jira_project', 'get_jira_metrics', 'track_ip', 'get_ip_history', 'close_session']) {
        expect(Object.keys(byName.get(name)!.inputSchema.properties ?? {}), name).toContain(
          itSessionContract.handleArgument,
        );
      }
    } finally {
      await pool.close();
    }
  });

  it('an IT session handle works from another worker process, and a closed one is session_not_found', async () => {
    const first = new McpClientPool({ servers: { it: itProxy.url }, requestTimeoutMs: 10_000, token: TOKEN });
    const second = new McpClientPool({ servers: { it: itProxy.url }, requestTimeoutMs: 10_000, token: TOKEN });
    try {
      const opened = await first.callTool('it', { name: 'set_jira_project', arguments: { project: 'MOBILE' } });
      expect(opened.isError).toBeFalsy();
      const handle = sessionOf(opened);
      expect(handle).toMatch(HANDLE);

      const metrics = await second.callTool('it', { name: 'get_jira_metrics', arguments: { session_id: handle } });
      expect(metrics.structuredContent).toMatchObject({ project: 'MOBILE', session_id: handle });

      const noSession = await second.callTool('it', { name: 'get_ip_history', arguments: {} });
      expect(noSession.isError).toBe(true);

      expect(
        (await second.callTool('it', { name: 'close_session', arguments: { session_id: handle } })).isError,
      ).toBeFalsy();
      const gone = await first.callTool('it', { name: 'get_ip_history', arguments: { session_id: handle } });
      expect(gone.isError).toBe(true);
      expect(errorKindOf(gone)).toBe(itSessionContract.notFound);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('classifies a server that is down as unreachable, and an unknown tool or a wrong token as rejected', async () => {
    const down = `http://127.0.0.1:${await freePort()}/mcp`;
    const pool = new McpClientPool({
      servers: { finance: down, real: financeProxy.url },
      requestTimeoutMs: 2_000,
      token: TOKEN,
    });
    const stranger = new McpClientPool({
      servers: { finance: financeProxy.url },
      requestTimeoutMs: 2_000,
      token: 'not-the-token',
    });
    try {
      const failure = await pool.listTools('finance').catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(McpCallError);
      expect(failure).toMatchObject({
        kind: 'unreachable',
        message: expect.stringMatching(
          /finance MCP server is unreachable at http:\/\/127\.0\.0\.1:\d+\/mcp: ECONNREFUSED/,
        ),
      });
      await expect(pool.callTool('real', { name: 'no_such_tool', arguments: {} })).rejects.toMatchObject({
        kind: 'rejected',
      });
      await expect(stranger.listTools('finance')).rejects.toMatchObject({ kind: 'rejected' });
    } finally {
      await pool.close();
      await stranger.close();
    }
  });
});
