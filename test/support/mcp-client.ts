import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  Client as ModernClient,
  StreamableHTTPClientTransport as ModernHttpTransport,
} from '@modelcontextprotocol/client';
import { MODERN_PROTOCOL_VERSION, modernRequest } from '../../shared/mcp/modern-request';

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
  return {
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: { name, arguments: args, ...(meta ? { _meta: meta } : {}) },
  };
}

/** The MCP SDK v2 client pinned to 2026-07-28: no initialize, no session; `server/discover` at connect. */
export async function connectModernClient(url: string, opts: { token?: string } = {}): Promise<ModernClient> {
  const client = new ModernClient(
    { name: 'test-client-v2', version: '1.0.0' },
    { versionNegotiation: { mode: { pin: MODERN_PROTOCOL_VERSION } } },
  );
  const headers = opts.token ? { authorization: `Bearer ${opts.token}` } : undefined;
  await client.connect(new ModernHttpTransport(new URL(url), headers ? { requestInit: { headers } } : {}));
  return client;
}

export { MODERN_PROTOCOL_VERSION, modernRequest };
