/**
 * Claude Desktop and Goose, wired exactly as their example configs say (as `npm run desktop-config` prints them):
 * each stdio server spawned from `/` with only the file's env plus PATH and HOME (and, for this test run only, the
 * address and task queues of the test's Temporal server and workers, and no repository .env); each streamable_http
 * entry reached at its URI (its port moved to the test server's). Each completes initialize and tools/list; finance
 * answers a call; IT writes to its session, reads it back and closes it (a session id the tools refuse once made
 * every read and close fail).
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  claudeDesktopServers,
  gooseExtensions,
  PLACEHOLDER_SESSION_ID,
  type StdioEntry,
} from '../../shared/desktop-configs';
import { SESSION_HANDLE_PATTERN } from '../../shared/tools/session-handle';
import { testConfig } from '../support/temporal';
import { startToolServers, type ToolServers } from '../support/tool-servers';

let servers: ToolServers;
beforeAll(async () => {
  servers = await startToolServers();
});
afterAll(() => servers?.close());

type CallResult = Awaited<ReturnType<Client['callTool']>>;

async function callOk(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallResult> {
  const result = await client.callTool({ name, arguments: args });
  expect(result.isError, `${name}: ${JSON.stringify(result.content)}`).toBeFalsy();
  return result;
}
const text = (result: CallResult) => (result.content as { text: string }[])[0]!.text;

/** What each server is asked: finance one call; IT a write, two reads of the same session, and its close. */
const conversations: Record<'finance' | 'it', { tool: string; talk(client: Client): Promise<void> }> = {
  finance: {
    tool: 'calculate_roi',
    async talk(client) {
      const roi = await callOk(client, 'calculate_roi', { principal: 10000, annual_rate: 0.05, years: 10 });
      expect(text(roi)).toMatch(/16,288\.95/);
    },
  },
  it: {
    tool: 'close_session',
    async talk(client) {
      const set = await callOk(client, 'set_jira_project', { project: 'OPS' });
      expect(text(set)).toMatch(/Jira project set to OPS/);
      const session = (set.structuredContent as { session_id: string }).session_id;
      const metrics = await callOk(client, 'get_jira_metrics');
      expect(metrics.structuredContent).toMatchObject({ project: 'OPS', session_id: session });
      const history = await callOk(client, 'get_ip_history');
      expect(history.structuredContent).toMatchObject({ session_id: session, total_tracked: 0 });
      const closed = await callOk(client, 'close_session');
      expect(closed.structuredContent).toEqual({ session_id: session, closed: true });
      expect(session).toMatch(SESSION_HANDLE_PATTERN);
    },
  },
};

function testRunEnv(): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: testConfig().temporal.address,
    FINANCE_TASK_QUEUE: servers.finance.taskQueue,
    IT_TASK_QUEUE: servers.it.taskQueue,
    ENV_FILE: '/nonexistent',
  };
}

function stdioTransport(entry: StdioEntry): Transport {
  return new StdioClientTransport({
    command: entry.command,
    args: entry.args,
    cwd: '/',
    env: { ...entry.env, PATH: process.env.PATH!, HOME: process.env.HOME!, ...testRunEnv() },
    stderr: 'ignore',
  });
}

async function exercise(transport: Transport, server: 'finance' | 'it'): Promise<void> {
  const client = new Client({ name: 'desktop-client-test', version: '1.0.0' });
  await client.connect(transport);
  try {
    expect(client.getServerVersion()?.name).toBe(`${server}-mcp`);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain(conversations[server].tool);
    await conversations[server].talk(client);
  } finally {
    await client.close();
  }
}

describe('claude_desktop_config.example.json', () => {
  const entries = claudeDesktopServers();

  it('lists both servers over stdio, with absolute paths once filled in', () => {
    expect(Object.keys(entries).sort()).toEqual(['finance', 'it']);
    for (const entry of Object.values(entries)) {
      expect(entry.command).toBe(process.execPath);
      expect(entry.args[0]).toMatch(/^\/.*\/bin\/mcp-(finance|it)\.mjs$/);
      expect(entry.args.slice(1)).toEqual(['--transport', 'stdio']);
    }
  });

  it('gives the IT server a fresh random session id each time it is printed', () => {
    const id = entries.it!.env.IT_SESSION_ID!;
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(claudeDesktopServers().it!.env.IT_SESSION_ID).not.toBe(id);
    expect(JSON.stringify(entries)).not.toContain(PLACEHOLDER_SESSION_ID);
  });

  it.each(['finance', 'it'] as const)(
    '%s: initialize, tools/list and tools/call over stdio, spawned from /',
    async (server) => {
      await exercise(stdioTransport(entries[server]!), server);
    },
  );
});

describe('goose_config.example.yaml', () => {
  const extensions = gooseExtensions();

  it('has stdio and streamable_http entries for both servers', () => {
    expect(
      Object.values(extensions)
        .map((e) => `${e.name}:${e.type}`)
        .sort(),
    ).toEqual(['finance-http:streamable_http', 'finance:stdio', 'it-http:streamable_http', 'it:stdio']);
  });

  it('gives the stdio IT server a fresh random session id', () => {
    const ext = extensions.it!;
    if (ext.type !== 'stdio') throw new Error('it should be a stdio extension');
    expect(ext.envs.IT_SESSION_ID).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it.each(['finance', 'it'] as const)('%s over stdio, as Goose spawns it', async (server) => {
    const ext = extensions[server]!;
    if (ext.type !== 'stdio') throw new Error(`${server} should be a stdio extension`);
    await exercise(stdioTransport({ command: ext.cmd, args: ext.args, env: ext.envs }), server);
  });

  it.each(['finance', 'it'] as const)('%s over streamable HTTP, as Goose connects to it', async (server) => {
    const ext = extensions[`${server}-http`]!;
    if (ext.type !== 'streamable_http') throw new Error(`${server}-http should be a streamable_http extension`);
    const documented = new URL(ext.uri);
    expect(documented.port).toBe(server === 'finance' ? '8001' : '8002');
    expect(documented.pathname).toBe('/mcp');
    const url = new URL(ext.uri);
    url.port = new URL(server === 'finance' ? servers.finance.url : servers.itHttp.url).port;
    await exercise(new StreamableHTTPClientTransport(url), server);
  });
});
