/**
 * Claude Desktop and Goose, wired exactly as their example configs say: each stdio server spawned from `/` with
 * only the file's env plus PATH and HOME (and, for this test run only, the address and task queues of the test's
 * Temporal server and workers, and no repository .env); each streamable_http entry reached at its URI (its port
 * moved to the test server's). Each completes initialize, tools/list and one tools/call.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeDesktopServers, gooseExtensions, type StdioEntry } from '../../shared/desktop-configs';
import { testConfig } from '../support/temporal';
import { startToolServers, type ToolServers } from '../support/tool-servers';

let servers: ToolServers;
beforeAll(async () => {
  servers = await startToolServers();
});
afterAll(() => servers?.close());

const toolCalls: Record<string, { name: string; arguments: Record<string, unknown>; expect: RegExp }> = {
  finance: {
    name: 'calculate_roi',
    arguments: { principal: 10000, annual_rate: 0.05, years: 10 },
    expect: /16,288\.95/,
  },
  it: { name: 'set_jira_project', arguments: { project: 'OPS' }, expect: /Jira project set to OPS/ },
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
    expect(tools.map((t) => t.name)).toContain(toolCalls[server]!.name);
    const call = toolCalls[server]!;
    const result = await client.callTool({ name: call.name, arguments: call.arguments });
    expect(result.isError).toBeFalsy();
    expect((result.content as { text: string }[])[0]!.text).toMatch(call.expect);
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
