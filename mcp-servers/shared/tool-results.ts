/**
 * Tool results as MCP 2025-11-25 wants them: structured content plus the same data as text, and expected failures
 * as `isError` results a model can act on (never a stack trace).
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export function structuredResult<T extends Record<string, unknown>>(data: T, summary?: string): CallToolResult {
  const json = JSON.stringify(data, null, 2);
  return {
    structuredContent: data,
    content: [{ type: 'text', text: summary ? `${summary}\n${json}` : json }],
  };
}

export function toolError(message: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: message }] };
}
