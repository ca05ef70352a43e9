/**
 * Tool results as MCP 2025-11-25 wants them: structured content plus the same data as text, and expected failures
 * as `isError` results a model can act on (never a stack trace).
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ApplicationFailure, TemporalFailure, TimeoutFailure, WorkflowFailedError } from '@temporalio/client';

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

/** The innermost meaningful message of a Temporal failure chain (workflow → activity → application failure). */
export function describeFailure(err: unknown): string {
  let cur: unknown = err instanceof WorkflowFailedError ? err.cause : err;
  let deepest: string | undefined;
  while (cur instanceof TemporalFailure) {
    if (cur instanceof ApplicationFailure) deepest = cur.message;
    if (cur instanceof TimeoutFailure) deepest ??= `timed out (${timeoutName(cur.timeoutType)})`;
    cur = cur.cause;
  }
  if (deepest) return deepest;
  return err instanceof Error ? err.message : String(err);
}

function timeoutName(type: unknown): string {
  return String(type ?? 'unknown').replace(/^TIMEOUT_TYPE_/, '').toLowerCase().replace(/_/g, '-');
}
