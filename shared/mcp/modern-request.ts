/**
 * A 2026-07-28 request the way curl, a script or a load generator sends it over HTTP, without an SDK client: the
 * per-request `_meta` envelope and the MCP-Protocol-Version / Mcp-Method / Mcp-Name headers. Used by tests, the bench
 * and the load run; the SDK client builds the same for the orchestrator.
 */
import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  PROTOCOL_VERSION_META_KEY,
} from '@modelcontextprotocol/client';

export const MODERN_PROTOCOL_VERSION = '2026-07-28';

export function modernRequest(
  method: string,
  params: Record<string, unknown> = {},
  id: number | string = 1,
  clientName = 'curl',
) {
  const envelope = {
    [PROTOCOL_VERSION_META_KEY]: MODERN_PROTOCOL_VERSION,
    [CLIENT_INFO_META_KEY]: { name: clientName, version: '1' },
    [CLIENT_CAPABILITIES_META_KEY]: {},
  };
  // Mcp-Name: the tool or prompt name, or a resource's URI (resources/read).
  const name = typeof params.name === 'string' ? params.name : typeof params.uri === 'string' ? params.uri : undefined;
  const body = {
    jsonrpc: '2.0',
    id,
    method,
    params: { ...params, _meta: { ...envelope, ...((params._meta as Record<string, unknown>) ?? {}) } },
  };
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': MODERN_PROTOCOL_VERSION,
    'mcp-method': method,
    ...(name ? { 'mcp-name': name } : {}),
  };
  return { body, headers };
}
