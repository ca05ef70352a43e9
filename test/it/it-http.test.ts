import type { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itSessionWorkflowId } from '../../tool-workers/it/sessions';
import { connectHttpClient, postMcp, toolCall } from '../support/mcp-client';
import { startItStack, type ItStack } from '../support/it-stack';

let stack: ItStack;
let url: string;
let mcp: McpClient;
let sessionId: string;

beforeAll(async () => {
  stack = await startItStack();
  url = (await stack.startHttp()).url;
  mcp = await connectHttpClient(url);
  sessionId = (mcp.transport as StreamableHTTPClientTransport).sessionId!;
});
afterAll(async () => {
  await mcp?.close();
  await stack?.close();
});

const data = (r: Awaited<ReturnType<McpClient['callTool']>>) => r.structuredContent as any;

describe('IT MCP server over HTTP (MCP SDK client)', () => {
  it('lists its eight tools, fully described', async () => {
    const { tools } = await mcp.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'close_session',
      'create_jira_issue',
      'get_ip',
      'get_ip_history',
      'get_jira_metrics',
      'set_jira_project',
      'track_ip',
      'watch_ip',
    ]);
    for (const tool of tools) {
      expect(tool.title && tool.description && tool.outputSchema && tool.annotations).toBeTruthy();
      for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {})) {
        expect((schema as { description?: string }).description, `${tool.name}.${field}`).toBeTruthy();
      }
    }
  });

  it('maps the MCP session to one running session workflow in it-namespace', async () => {
    expect(sessionId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const description = await stack.client.workflow.getHandle(itSessionWorkflowId(sessionId)).describe();
    expect(description.status.name).toBe('RUNNING');
    expect(description.type).toBe('itSessionWorkflow');
  });

  it('get_jira_metrics without a project set is a clear tool error', async () => {
    const r = await mcp.callTool({ name: 'get_jira_metrics', arguments: {} });
    expect(r.isError).toBe(true);
    expect((r.content as { text: string }[])[0]!.text).toMatch(/No Jira project is set for this session/);
  });

  it('keeps the Jira project in the session and uses it by default', async () => {
    const set = await mcp.callTool({ name: 'set_jira_project', arguments: { project: 'DEMO-123' } });
    expect(data(set)).toMatchObject({ session_id: sessionId, jira_project: 'DEMO' });
    const metrics = await mcp.callTool({ name: 'get_jira_metrics', arguments: {} });
    expect(metrics.isError).toBeFalsy();
    expect(data(metrics)).toMatchObject({ project: 'DEMO', source: expect.stringMatching(/sample data/) });
    const explicit = await mcp.callTool({ name: 'get_jira_metrics', arguments: { project: 'ops' } });
    expect(data(explicit).project).toBe('OPS');
    const unknown = await mcp.callTool({ name: 'get_jira_metrics', arguments: { project: 'NOPE' } });
    expect(unknown.isError).toBe(true);
  });

  it('tracks IPs with timestamps, in order; get_ip does not record', async () => {
    const before = data(await mcp.callTool({ name: 'get_ip_history', arguments: {} })).total_tracked;
    const first = data(await mcp.callTool({ name: 'track_ip', arguments: {} }));
    expect(first).toMatchObject({ ip: expect.any(String), source: 'local-interface', history_length: before + 1 });
    expect(Date.parse(first.tracked_at)).not.toBeNaN();
    const current = data(await mcp.callTool({ name: 'get_ip', arguments: {} }));
    expect(current.ip).toBe(first.ip);
    await mcp.callTool({ name: 'track_ip', arguments: {} });
    const history = data(await mcp.callTool({ name: 'get_ip_history', arguments: {} }));
    expect(history.total_tracked).toBe(before + 2);
    expect(history.entries.at(-2)).toEqual({
      ip: first.ip,
      source: first.source,
      detail: first.detail,
      tracked_at: first.tracked_at,
    });
    expect(Date.parse(history.entries.at(-1).tracked_at)).toBeGreaterThanOrEqual(Date.parse(first.tracked_at));
  });

  it('every read right after a write sees the write (60 pairs through MCP)', async () => {
    for (let i = 0; i < 30; i++) {
      const project = `P${i}X`;
      const set = data(await mcp.callTool({ name: 'set_jira_project', arguments: { project } }));
      expect(set.jira_project).toBe(project);
      const tracked = data(await mcp.callTool({ name: 'track_ip', arguments: {} }));
      const history = data(await mcp.callTool({ name: 'get_ip_history', arguments: {} }));
      expect(history.total_tracked).toBe(tracked.history_length);
    }
    const state = await stack.sessions.state(sessionId);
    expect(state.jira_project).toBe('P29X');
  });

  it('sessions are isolated from each other', async () => {
    const other = await connectHttpClient(url);
    try {
      const history = data(await other.callTool({ name: 'get_ip_history', arguments: {} }));
      expect(history.total_tracked).toBe(0);
      expect(history.session_id).not.toBe(sessionId);
    } finally {
      await other.close();
    }
  });
});

describe('session lifecycle over HTTP', () => {
  it('a request without a session id gets 400, an unknown one 404', async () => {
    const none = await postMcp(url, toolCall('get_ip_history', {}));
    expect(none.status).toBe(400);
    expect(none.json.error.message).toMatch(/Mcp-Session-Id header is required/);
    const unknown = await postMcp(url, toolCall('get_ip_history', {}), { 'mcp-session-id': 'no-such-session' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.message).toBe('Session not found');
  });

  it('DELETE ends the session and its workflow; afterwards the id gets 404', async () => {
    const client = new Client({ name: 'short-lived', version: '1' });
    const transport = new StreamableHTTPClientTransport(new URL(url));
    await client.connect(transport);
    const id = transport.sessionId!;
    await client.callTool({ name: 'set_jira_project', arguments: { project: 'WEB' } });
    await transport.terminateSession();
    const handle = stack.client.workflow.getHandle(itSessionWorkflowId(id));
    expect(await handle.result()).toMatchObject({ reason: 'deleted', state: { jira_project: 'WEB' } });
    const after = await postMcp(url, toolCall('get_ip_history', {}), { 'mcp-session-id': id });
    expect(after.status).toBe(404);
    const again = await fetch(url, { method: 'DELETE', headers: { 'mcp-session-id': id } });
    expect(again.status).toBe(404);
  });

  it('an idle session ends by itself', async () => {
    const shortLived = await stack.startHttp({ idleTimeoutMs: 1500 });
    const client = await connectHttpClient(shortLived.url);
    const id = (client.transport as StreamableHTTPClientTransport).sessionId!;
    await client.callTool({ name: 'set_jira_project', arguments: { project: 'DATA' } });
    const end = await stack.client.workflow.getHandle(itSessionWorkflowId(id)).result();
    expect(end).toMatchObject({ reason: 'idle', state: { jira_project: 'DATA' } });
    const after = await postMcp(shortLived.url, toolCall('get_ip_history', {}), { 'mcp-session-id': id });
    expect(after.status).toBe(404);
  });

  it('refuses what the Finance server refuses: batch, foreign Origin, GET, bad protocol version', async () => {
    expect((await postMcp(url, [toolCall('get_ip', {})], { 'mcp-session-id': sessionId })).status).toBe(400);
    expect(
      (await postMcp(url, toolCall('get_ip', {}), { 'mcp-session-id': sessionId, origin: 'https://evil.example' }))
        .status,
    ).toBe(403);
    expect((await fetch(url, { headers: { accept: 'text/event-stream', 'mcp-session-id': sessionId } })).status).toBe(
      405,
    );
    expect(
      (
        await postMcp(url, toolCall('get_ip', {}), {
          'mcp-session-id': sessionId,
          'mcp-protocol-version': '2020-01-01',
        })
      ).status,
    ).toBe(400);
    const unknownTool = await postMcp(url, toolCall('format_disk', {}), { 'mcp-session-id': sessionId });
    expect(unknownTool.json.error.code).toBe(-32602);
    // and the session is unharmed
    expect((await stack.sessions.state(sessionId)).jira_project).toBe('P29X');
  });
});
