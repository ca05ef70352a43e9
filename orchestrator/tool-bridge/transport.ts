/**
 * How a remote tool's calls reach it. Every remote tool is an MCP server's today (mcp.ts); a Nexus transport will
 * sit beside it, and `ToolBridge.transportFor` is where a tool's transport is chosen.
 */
import type { McpToolOutcome } from '../activities';
import type { McpToolDescriptor } from '../shared';

export interface RemoteToolCall {
  descriptor: McpToolDescriptor;
  /** As sent: the model's arguments, plus the session handle where the conversation supplies one. */
  arguments: Record<string, unknown>;
  /** One line for the Web UI and the history: the tool and the model's arguments. */
  summary: string;
}

export interface ToolTransport {
  call(request: RemoteToolCall): Promise<McpToolOutcome>;
}
