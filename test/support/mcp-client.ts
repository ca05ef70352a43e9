import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Client as ModernClient, StreamableHTTPClientTransport as ModernHttpTransport } from '@modelcontextprotocol/client';

/** The MCP SDK v1 client (2025-11-25, with initialize and Mcp-Session-Id), connected over streamable HTTP. */
export async function connectHttpClient(url: string): Promise<Client> {
  const client = new Client({ name: 'test-client', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

/** A raw JSON-RPC POST the way curl or a script would send it. */
export async function postMcp(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export type { ModernClient };

export function toolCall(name: string, args: unknown, id: number | string = 1, meta?: Record<string, unknown>) {
  return { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args, ...(meta ? { _meta: meta } : {}) } };
}

/** The MCP SDK v2 client pinned to 2026-07-28: no initialize, no session; `server/discover` at connect. */
export async function connectModernClient(url: string, opts: { token?: string } = {}): Promise<ModernClient> {
  const client = new ModernClient({ name: 'test-client-v2', version: '1.0.0' }, { versionNegotiation: { mode: { pin: MODERN_PROTOCOL_VERSION } } });
  const headers = opts.token ? { authorization: `Bearer ${opts.token}` } : undefined;
  await client.connect(new ModernHttpTransport(new URL(url), headers ? { requestInit: { headers } } : {}));
  return client;
}

export const MODERN_PROTOCOL_VERSION = '2026-07-28';

/** The `_meta` envelope a 2026-07-28 request carries, for raw POSTs the way curl would send them. */
export function modernMeta(extra: Record<string, unknown> = {}) {
  return {
    'io.modelcontextprotocol/protocolVersion': MODERN_PROTOCOL_VERSION,
    'io.modelcontextprotocol/clientInfo': { name: 'curl', version: '8' },
    'io.modelcontextprotocol/clientCapabilities': {},
    ...extra,
  };
}

/** A raw 2026-07-28 request: envelope in `_meta`, and the Mcp-Method / Mcp-Name / MCP-Protocol-Version headers. */
export function modernRequest(method: string, params: Record<string, unknown> = {}, id: number | string = 1) {
  const name = typeof params.name === 'string' ? params.name : undefined;
  const body = { jsonrpc: '2.0', id, method, params: { ...params, _meta: modernMeta((params._meta as Record<string, unknown>) ?? {}) } };
  const headers: Record<string, string> = { 'mcp-protocol-version': MODERN_PROTOCOL_VERSION, 'mcp-method': method, ...(name ? { 'mcp-name': name } : {}) };
  return { body, headers };
}
