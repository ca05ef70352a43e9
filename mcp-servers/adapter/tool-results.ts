/**
 * Tool results as MCP wants them: structured content plus the same data as text, and expected failures as `isError`
 * results a model can act on (never a stack trace).
 */
import type { CallToolResult } from '@modelcontextprotocol/server';
import { toolResultText } from '../../shared/tools/definition';
import { TOOL_ERROR_META_KEY } from '../../shared/tools/tool-error';

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
