/** The IT server over stdio: one process is one session; IT_SESSION_ID carries it across process restarts. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../shared/config';
import { startItStack, type ItStack } from '../support/it-stack';

let stack: ItStack;
beforeAll(async () => {
  stack = await startItStack();
});
afterAll(() => stack?.close());

async function withStdioServer<T>(env: Record<string, string>, body: (client: Client) => Promise<T>): Promise<T> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [path.join(projectRoot, 'bin', 'mcp-it.mjs'), '--transport', 'stdio'],
    cwd: mkdtempSync(path.join(tmpdir(), 'it-stdio-')),
    env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ENV_FILE: '/nonexistent', ...stack.env, ...env },
    stderr: 'pipe',
  });
  const client = new Client({ name: 'desktop-like', version: '1' });
  await client.connect(transport);
  try {
    return await body(client);
  } finally {
    await client.close();
  }
}

const data = (r: unknown) => (r as { structuredContent?: any }).structuredContent;

describe('IT MCP server over stdio', () => {
  it('keeps state across a process restart with IT_SESSION_ID', async () => {
    const IT_SESSION_ID = `desktop-${Date.now()}`;
    await withStdioServer({ IT_SESSION_ID }, async (client) => {
      await client.callTool({ name: 'set_jira_project', arguments: { project: 'WEB' } });
      await client.callTool({ name: 'track_ip', arguments: {} });
    });
    await withStdioServer({ IT_SESSION_ID }, async (client) => {
      expect(data(await client.callTool({ name: 'get_jira_metrics', arguments: {} })).project).toBe('WEB');
      const history = data(await client.callTool({ name: 'get_ip_history', arguments: {} }));
      expect(history).toMatchObject({ session_id: IT_SESSION_ID, total_tracked: 1 });
    });
  });

  it('without IT_SESSION_ID each process is a fresh session', async () => {
    const ids = [];
    for (let i = 0; i < 2; i++) {
      ids.push(
        await withStdioServer({}, async (client) => {
          const history = data(await client.callTool({ name: 'get_ip_history', arguments: {} }));
          expect(history.total_tracked).toBe(0);
          return history.session_id as string;
        }),
      );
    }
    expect(ids[0]).not.toBe(ids[1]);
  });
});
