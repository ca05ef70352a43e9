/**
 * The plain SDK v2 MCP server every floor is measured with: `createMcpHandler` + `toNodeHandler` from
 * `@modelcontextprotocol/node`, a fresh `McpServer` per request (as the SDK's examples build it), no host or origin
 * checks, no auth, no tracing. Only the tools differ between the floors (bench/layer-servers.ts without Temporal,
 * bench/plain-temporal-server.ts with the baselines' Temporal calls).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';

export interface PlainServer {
  url: string;
  close(): Promise<void>;
}

export async function startPlainServer(name: string, registerTools: (server: McpServer) => void): Promise<PlainServer> {
  const handler = createMcpHandler(() => {
    const server = new McpServer({ name, version: '1.0.0' });
    registerTools(server);
    return server;
  });
  const server = createServer(toNodeHandler(handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`,
    async close() {
      await handler.close();
      server.closeAllConnections();
      server.close();
    },
  };
}

/** A tool's answer as the plain server gives it: one text block, no structured content, no output schema. */
export const textResult = (value: unknown) => ({
  content: [{ type: 'text' as const, text: typeof value === 'string' ? value : JSON.stringify(value) }],
});
