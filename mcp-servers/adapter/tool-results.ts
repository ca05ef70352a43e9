/**
 * Tool results as MCP wants them: structured content plus the same data as text, and expected failures as `isError`
 * results a model can act on (never a stack trace).
 */
import type { CallToolResult } from '@modelcontextprotocol/server';
import { toolResultText } from '../../shared/tools/definition';

/** `_meta` key of a tool error that a program (not only a model) must tell apart, such as a handle that is gone. */
export const TOOL_ERROR_META_KEY = 'durable-mcp-agents/error';

export function structuredResult<T extends object>(data: T, summary?: string): CallToolResult {
  return {
    structuredContent: data as Record<string, unknown>,
    content: [{ type: 'text', text: toolResultText(summary, data) }],
  };
}

export function toolError(message: string, kind?: string): CallToolResult {
  return {
    isError: true,
    content: [{ type: 'text', text: message }],
    ...(kind ? { _meta: { [TOOL_ERROR_META_KEY]: kind } } : {}),
  };
}
