/**
 * Reading Temporal failure chains (workflow → activity → application failure). Only `@temporalio/common`, so the
 * orchestrator's workflow code can use it as well as the MCP servers.
 */
import { ApplicationFailure, TemporalFailure, TimeoutFailure } from '@temporalio/common';

/** Where the chain starts: the error itself, or the failure a client-side wrapper (WorkflowFailedError) carries. */
function chainOf(err: unknown): unknown {
  const cause = (err as { cause?: unknown } | null)?.cause;
  return !(err instanceof TemporalFailure) && cause instanceof TemporalFailure ? cause : err;
}

/** The innermost meaningful message: what actually went wrong, for a caller or a model. */
export function describeFailure(err: unknown): string {
  let cur = chainOf(err);
  let deepest: string | undefined;
  while (cur instanceof TemporalFailure) {
    if (cur instanceof ApplicationFailure) deepest = cur.message;
    if (cur instanceof TimeoutFailure) deepest ??= `timed out (${timeoutName(cur.timeoutType)})`;
    cur = cur.cause;
  }
  if (deepest) return deepest;
  return err instanceof Error ? err.message : String(err);
}

/** The type of the innermost application failure, e.g. `McpSessionNotFound`. */
export function failureType(err: unknown): string | undefined {
  let cur = chainOf(err);
  let type: string | undefined;
  while (cur instanceof TemporalFailure) {
    if (cur instanceof ApplicationFailure) type = cur.type ?? undefined;
    cur = cur.cause;
  }
  return type;
}

function timeoutName(type: unknown): string {
  return String(type ?? 'unknown')
    .replace(/^TIMEOUT_TYPE_/, '')
    .toLowerCase()
    .replace(/_/g, '-');
}
