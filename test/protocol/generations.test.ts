/**
 * Both MCP generations on every endpoint, against the real servers and real Temporal: the SDK v2 client pinned to
 * 2026-07-28 (no initialize, no Mcp-Session-Id, IT state by handle) and the SDK v1 client at 2025-11-25 (sessions),
 * over HTTP and stdio; raw 2026 requests the way curl sends them; handles that outlive connections, replicas and
 * kill -9; handles bound to their caller.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client as ModernStdioClient } from '@modelcontextprotocol/client';
import { StdioClientTransport as ModernStdioTransport } from '@modelcontextprotocol/client/stdio';
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot, type McpAuthConfig } from '../../shared/config';
import { itSessionWorkflowId } from '../../tool-workers/it/sessions';
import { SESSION_NOT_FOUND } from '../../shared/tools/session-handle';
import { TOOL_ERROR_META_KEY } from '../../shared/tools/tool-error';
import { TOOL_LIST_TTL_MS as LIST_TTL_MS } from '../../shared/tools/nexus-service';
import type { RunningHttpServer } from '../../mcp-servers/transports/http';
import {
  connectHttpClient,
  connectModernClient,
  MODERN_PROTOCOL_VERSION,
  modernRequest,
  postMcp,
  type ModernClient,
} from '../support/mcp-client';
import { spawnMcpServer } from '../support/processes';
import { startToolServers, type ToolServers } from '../support/tool-servers';
import { startItStack, type ItStack } from '../support/it-stack';

const data = (r: unknown) => (r as { structuredContent?: any }).structuredContent;
const text = (r: unknown) => (r as { content: { text: string }[] }).content[0]!.text;

let servers: ToolServers;
beforeAll(async () => {
  servers = await startToolServers();
});
afterAll(() => servers?.close());

describe('2026-07-28 with the SDK v2 client', () => {
  let finance: ModernClient;
  let it2: ModernClient;
  beforeAll(async () => {
    finance = await connectModernClient(servers.finance.url);
    it2 = await connectModernClient(servers.itHttp.url);
  });
  afterAll(async () => {
    await finance?.close();
    await it2?.close();
  });

  it('negotiates 2026-07-28 with both servers, with no session', async () => {
    for (const client of [finance, it2]) {
      expect(client.getNegotiatedProtocolVersion()).toBe(MODERN_PROTOCOL_VERSION);
      expect((client.transport as { sessionId?: string }).sessionId).toBeUndefined();
    }
    expect(finance.getServerVersion()?.name).toBe('finance-mcp');
    expect(it2.getServerVersion()?.name).toBe('it-mcp');
  });

  it('lists the same tools as a 2025 client, with cache hints', async () => {
    const legacy = await connectHttpClient(servers.finance.url);
    const [modern, old] = [await finance.listTools(), await legacy.listTools()];
    expect(modern.tools.map((t) => t.name)).toEqual(old.tools.map((t) => t.name));
    expect(modern.tools).toEqual(old.tools);
    await legacy.close();
    // The raw result carries the hints (the client consumes them).
    const { body, headers } = modernRequest('tools/list');
    const res = await postMcp(servers.itHttp.url, body, headers);
    expect(res.status).toBe(200);
    expect(res.json.result).toMatchObject({ ttlMs: LIST_TTL_MS, cacheScope: 'public' });
    expect(res.headers.get('mcp-session-id')).toBeNull();
  });

  it('runs a finance tool through its workflow', async () => {
    const r = await finance.callTool({
      name: 'calculate_roi',
      arguments: { principal: 10000, annual_rate: 0.05, years: 10 },
    });
    expect(data(r)).toMatchObject({ final_value: 16288.95, roi_percent: 62.89 });
  });

  it('opens an IT session by handle on the first write, and keeps it by handle', async () => {
    const set = data(await it2.callTool({ name: 'set_jira_project', arguments: { project: 'DEMO-7' } }));
    expect(set.session_id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(set.jira_project).toBe('DEMO');
    const sessionId = set.session_id as string;
    const described = await servers.it.client.workflow.getHandle(itSessionWorkflowId(sessionId)).describe();
    expect(described.status.name).toBe('RUNNING');

    const metrics = data(await it2.callTool({ name: 'get_jira_metrics', arguments: { session_id: sessionId } }));
    expect(metrics).toMatchObject({ project: 'DEMO', session_id: sessionId });
    const tracked = data(await it2.callTool({ name: 'track_ip', arguments: { session_id: sessionId } }));
    expect(tracked).toMatchObject({ session_id: sessionId, history_length: 1 });
    // A write without a handle is another session.
    const other = data(await it2.callTool({ name: 'track_ip', arguments: {} }));
    expect(other.session_id).not.toBe(sessionId);
    expect(other.history_length).toBe(1);
  });

  it('a read without a handle says how to get one', async () => {
    const r = await it2.callTool({ name: 'get_ip_history', arguments: {} });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/names no IT session.*session_id/);
  });

  it('a client that connects afresh for every call keeps its IT state by passing the handle', async () => {
    const call = async (name: string, args: Record<string, unknown>) => {
      const client = await connectModernClient(servers.itHttp.url);
      try {
        return await client.callTool({ name, arguments: args });
      } finally {
        await client.close();
      }
    };
    const sessionId = data(await call('set_jira_project', { project: 'OPS' })).session_id as string;
    await call('track_ip', { session_id: sessionId });
    await call('track_ip', { session_id: sessionId });
    expect(data(await call('get_jira_metrics', { session_id: sessionId })).project).toBe('OPS');
    expect(data(await call('get_ip_history', { session_id: sessionId })).total_tracked).toBe(2);
  });

  it('close_session ends it; the handle then gets a clear not-found error', async () => {
    const sessionId = data(await it2.callTool({ name: 'set_jira_project', arguments: { project: 'GONE' } }))
      .session_id as string;
    expect(data(await it2.callTool({ name: 'close_session', arguments: { session_id: sessionId } }))).toEqual({
      session_id: sessionId,
      closed: true,
    });
    const end = await servers.it.client.workflow.getHandle(itSessionWorkflowId(sessionId)).result();
    expect(end.reason).toBe('deleted');
    for (const [name, args] of [
      ['get_ip_history', {}],
      ['set_jira_project', { project: 'BACK' }],
      ['close_session', {}],
    ] as const) {
      const r = await it2.callTool({ name, arguments: { ...args, session_id: sessionId } });
      expect(r.isError, name).toBe(true);
      expect(r._meta?.[TOOL_ERROR_META_KEY], name).toBe(SESSION_NOT_FOUND);
      expect(text(r), name).toMatch(/without session_id to start a new session/);
    }
  });

  it('a forged handle is refused: a well-formed one is not found, a malformed one is invalid input', async () => {
    const forged = await it2.callTool({ name: 'get_ip_history', arguments: { session_id: 'AAAAAAAAAAAAAAAAAAAAAA' } });
    expect(forged._meta?.[TOOL_ERROR_META_KEY]).toBe(SESSION_NOT_FOUND);
    const write = await it2.callTool({
      name: 'set_jira_project',
      arguments: { project: 'OPS', session_id: 'AAAAAAAAAAAAAAAAAAAAAB' },
    });
    expect(write._meta?.[TOOL_ERROR_META_KEY]).toBe(SESSION_NOT_FOUND);
    const malformed = await it2.callTool({ name: 'get_ip_history', arguments: { session_id: '../../etc/passwd' } });
    expect(malformed.isError).toBe(true);
    expect(text(malformed)).toMatch(/session_id/);
  });

  it('a 2025 session and a 2026 handle name the same kind of thing: a legacy client may pass a handle too', async () => {
    const sessionId = data(await it2.callTool({ name: 'set_jira_project', arguments: { project: 'MOBILE' } }))
      .session_id as string;
    const legacy = await connectHttpClient(servers.itHttp.url);
    const own = (legacy.transport as StreamableHTTPClientTransport).sessionId!;
    expect(own).not.toBe(sessionId);
    expect(
      data(await legacy.callTool({ name: 'get_jira_metrics', arguments: { session_id: sessionId } })).project,
    ).toBe('MOBILE');
    const noProject = await legacy.callTool({ name: 'get_jira_metrics', arguments: {} });
    expect(text(noProject)).toMatch(/No Jira project is set/);
    await legacy.close();
  });
});

describe('2026-07-28 raw, the way curl sends it', () => {
  it('tools/call with the envelope and headers, no session header in or out', async () => {
    const { body, headers } = modernRequest('tools/call', { name: 'set_jira_project', arguments: { project: 'CURL' } });
    const res = await postMcp(servers.itHttp.url, body, headers);
    expect(res.status).toBe(200);
    expect(res.json.id).toBe(1);
    expect(res.json.result.structuredContent).toMatchObject({
      jira_project: 'CURL',
      session_id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
    });
    expect(res.headers.get('mcp-session-id')).toBeNull();
  });

  it('errors follow the 2026 revision: an unknown tool is -32602 with its request id', async () => {
    const { body, headers } = modernRequest('tools/call', { name: 'format_disk', arguments: {} }, 'req-9');
    const res = await postMcp(servers.finance.url, body, headers);
    expect(res.json.id).toBe('req-9');
    expect(res.json.error.code).toBe(-32602);
  });

  it('a 2026 request without its headers is refused with a clear error, and ping is gone', async () => {
    const { body } = modernRequest('tools/list');
    const missing = await postMcp(servers.finance.url, body);
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.json)).toMatch(/[Mm]cp-[Pp]rotocol-[Vv]ersion|header/);
    const ping = modernRequest('ping');
    const res = await postMcp(servers.finance.url, ping.body, ping.headers);
    expect(res.json.error).toBeDefined();
  });
});

describe('IT handles are bound to their caller', () => {
  const ALICE = 'tok_alice_handles_0123456789';
  const BOB = 'tok_bob_handles_0123456789ab';
  let stack: ItStack;
  let http: RunningHttpServer;
  beforeAll(async () => {
    const auth: McpAuthConfig = {
      staticTokens: [
        { subject: 'alice', token: ALICE, scopes: ['tools.read', 'tools.write'] },
        { subject: 'bob', token: BOB, scopes: ['tools.read', 'tools.write'] },
      ],
    };
    stack = await startItStack();
    http = await stack.startHttp({ auth: { config: auth } });
  });
  afterAll(() => stack?.close());

  it("another identity gets not-found for Alice's handle, exactly as for one that never existed, and changes nothing", async () => {
    const alice = await connectModernClient(http.url, { token: ALICE });
    const bob = await connectModernClient(http.url, { token: BOB });
    const sessionId = data(await alice.callTool({ name: 'set_jira_project', arguments: { project: 'DATA' } }))
      .session_id as string;
    await alice.callTool({ name: 'track_ip', arguments: { session_id: sessionId } });

    const never = await bob.callTool({ name: 'get_ip_history', arguments: { session_id: 'BBBBBBBBBBBBBBBBBBBBBB' } });
    for (const [name, args] of [
      ['get_ip_history', {}],
      ['get_jira_metrics', {}],
      ['set_jira_project', { project: 'HIJACK' }],
      ['track_ip', {}],
      ['close_session', {}],
    ] as const) {
      const r = await bob.callTool({ name, arguments: { ...args, session_id: sessionId } });
      expect(r.isError, name).toBe(true);
      expect(r._meta?.[TOOL_ERROR_META_KEY], name).toBe(SESSION_NOT_FOUND);
      expect(JSON.stringify(r), name).not.toMatch(/DATA|alice/);
      // The same words as for a handle that never existed, but for the handle itself.
      expect(text(r).replace(sessionId, 'X'), name).toBe(text(never).replace('BBBBBBBBBBBBBBBBBBBBBB', 'X'));
    }
    const state = data(await alice.callTool({ name: 'get_ip_history', arguments: { session_id: sessionId } }));
    expect(state.total_tracked).toBe(1);
    expect(data(await alice.callTool({ name: 'get_jira_metrics', arguments: { session_id: sessionId } })).project).toBe(
      'DATA',
    );
    await alice.close();
    await bob.close();
  });

  it('Alice and Bob passing the same handle string reach different sessions, never each other', async () => {
    const alice = await connectModernClient(http.url, { token: ALICE });
    const sessionId = data(await alice.callTool({ name: 'set_jira_project', arguments: { project: 'ALICE' } }))
      .session_id as string;
    expect(itSessionWorkflowId(sessionId, 'alice')).not.toBe(itSessionWorkflowId(sessionId, 'bob'));
    expect(itSessionWorkflowId(sessionId, 'alice')).not.toContain('alice');
    const memo = (await stack.client.workflow.getHandle(itSessionWorkflowId(sessionId, 'alice')).describe()).memo;
    expect(memo?.owner).toBe('alice');
    await alice.close();
  });
});

describe('a handle outlives its server', () => {
  let stack: ItStack;
  beforeAll(async () => {
    stack = await startItStack();
  });
  afterAll(() => stack?.close());

  it('is served by two replicas alternately and survives kill -9 of the server', async () => {
    const IT_SERVER = 'mcp-servers/it/main.ts';
    const [a, b] = await Promise.all([
      spawnMcpServer(IT_SERVER, 'IT_MCP_PORT', stack.env),
      spawnMcpServer(IT_SERVER, 'IT_MCP_PORT', stack.env),
    ]);
    let restarted: Awaited<ReturnType<typeof spawnMcpServer>> | undefined;
    try {
      const viaA = await connectModernClient(a.url);
      const viaB = await connectModernClient(b.url);
      const projects = ['DEMO', 'OPS', 'WEB', 'MOBILE', 'DATA', 'OPS'];
      const sessionId = data(await viaA.callTool({ name: 'set_jira_project', arguments: { project: 'DATA' } }))
        .session_id as string;
      for (const [i, project] of projects.entries()) {
        const [writer, reader] = i % 2 ? [viaB, viaA] : [viaA, viaB];
        await writer.callTool({ name: 'set_jira_project', arguments: { project, session_id: sessionId } });
        expect(
          data(await reader.callTool({ name: 'get_jira_metrics', arguments: { session_id: sessionId } })).project,
        ).toBe(project);
      }
      await a.proc.kill('SIGKILL');
      await viaA.close().catch(() => undefined);
      restarted = await spawnMcpServer(IT_SERVER, 'IT_MCP_PORT', stack.env, a.port);
      const again = await connectModernClient(restarted.url);
      await again.callTool({ name: 'track_ip', arguments: { session_id: sessionId } });
      expect(
        data(await viaB.callTool({ name: 'get_ip_history', arguments: { session_id: sessionId } })).total_tracked,
      ).toBe(1);
      expect(
        data(await again.callTool({ name: 'get_jira_metrics', arguments: { session_id: sessionId } })).project,
      ).toBe('OPS');
      await again.close();
      await viaB.close();
    } finally {
      await Promise.all([a.proc.kill(), b.proc.kill(), restarted?.proc.kill()]);
    }
  });
});

describe('stdio serves both generations', () => {
  async function withModernStdio<T>(
    entry: string,
    env: Record<string, string>,
    body: (client: ModernStdioClient) => Promise<T>,
  ): Promise<T> {
    const transport = new ModernStdioTransport({
      command: process.execPath,
      args: [path.join(projectRoot, 'bin', entry), '--transport', 'stdio'],
      cwd: mkdtempSync(path.join(tmpdir(), 'stdio-2026-')),
      env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ENV_FILE: '/nonexistent', ...env },
      stderr: 'pipe',
    });
    const client = new ModernStdioClient(
      { name: 'stdio-2026', version: '1' },
      { versionNegotiation: { mode: { pin: MODERN_PROTOCOL_VERSION } } },
    );
    await client.connect(transport);
    try {
      return await body(client);
    } finally {
      await client.close();
    }
  }

  it('a 2026-07-28 client over stdio uses IT_SESSION_ID as the default session, and finance answers', async () => {
    const IT_SESSION_ID = `desktop2026-${Date.now()}`;
    await withModernStdio('mcp-it.mjs', { ...servers.it.env, IT_SESSION_ID }, async (client) => {
      expect(client.getNegotiatedProtocolVersion()).toBe(MODERN_PROTOCOL_VERSION);
      const set = data(await client.callTool({ name: 'set_jira_project', arguments: { project: 'WEB' } }));
      expect(set.session_id).toBe(IT_SESSION_ID);
    });
    await withModernStdio('mcp-it.mjs', { ...servers.it.env, IT_SESSION_ID }, async (client) => {
      expect(data(await client.callTool({ name: 'get_jira_metrics', arguments: {} })).project).toBe('WEB');
    });
    await withModernStdio(
      'mcp-finance.mjs',
      { TEMPORAL_ADDRESS: servers.it.env.TEMPORAL_ADDRESS!, FINANCE_TASK_QUEUE: servers.finance.taskQueue },
      async (client) => {
        expect(
          data(
            await client.callTool({ name: 'calculate_roi', arguments: { principal: 100, annual_rate: 0.1, years: 1 } }),
          ).final_value,
        ).toBe(110);
      },
    );
  });
});
