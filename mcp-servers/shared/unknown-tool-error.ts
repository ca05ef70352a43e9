/**
 * MCP 2025-11-25 (server/tools, "Error Handling"): an unknown tool is a protocol error (-32602), while invalid
 * arguments are tool execution errors. SDK 1.32's McpServer answers both with `isError` results, so this wraps its
 * `tools/call` handler to answer unknown names with the protocol error first.
 *
 * The SDK has no public accessor for an installed request handler; this is the one place that reads its private
 * handler map, and `unknown-tool-error.test.ts` fails loudly if an SDK upgrade moves it.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolRequestSchema, ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

type Handler = (request: { method: string; params: { name: string } }, extra: unknown) => Promise<unknown>;

export function answerUnknownToolsWithProtocolError(server: McpServer, toolNames: readonly string[]): void {
  const handlers = (server.server as unknown as { _requestHandlers?: Map<string, Handler> })._requestHandlers;
  const sdkHandler = handlers?.get('tools/call');
  if (!handlers || !sdkHandler) {
    throw new Error('MCP SDK internals changed: no tools/call handler found to wrap (see mcp-servers/shared/unknown-tool-error.ts)');
  }
  const known = new Set(toolNames);
  server.server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    if (!known.has(request.params.name)) {
      throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${request.params.name}`);
    }
    return sdkHandler(request, extra) as ReturnType<Parameters<typeof server.server.setRequestHandler>[1]>;
  });
}
