/**
 * Who is calling an MCP tool, and the key that makes their repeated call one call. Ids a caller can name live in its
 * scope (shared/caller-scope.ts).
 */
import type { AuthInfo, ServerContext } from '@modelcontextprotocol/server';
import type { CallerIdentity } from '../../shared/caller-scope';
import { IDEMPOTENCY_META_KEY, validateIdempotencyKey } from '../../shared/tools/workflow-runner';
import { callerOfToken } from '../transports/auth';

/** An agent acting for a person names them here; recorded beside the authenticated caller, never trusted as one. */
export const ON_BEHALF_OF_META_KEY = 'onBehalfOf';

export function onBehalfOfFrom(meta: Record<string, unknown> | undefined): string | undefined {
  const value = meta?.[ON_BEHALF_OF_META_KEY];
  return typeof value === 'string' && /^[\x21-\x7e]{1,128}$/.test(value) ? value : undefined;
}

/** The identity of the request a tool handler serves. */
export function callerOf(ctx: Pick<ServerContext, 'http' | 'mcpReq'>): CallerIdentity {
  return {
    caller: callerOfToken(ctx.http?.authInfo as AuthInfo | undefined),
    onBehalfOf: onBehalfOfFrom(ctx.mcpReq._meta),
  };
}

/** The request's `_meta.idempotencyKey`, checked (a malformed one is refused: IdempotencyConflict); absent: none. */
export function idempotencyKeyOf(ctx: Pick<ServerContext, 'mcpReq'>): string | undefined {
  return validateIdempotencyKey(ctx.mcpReq._meta?.[IDEMPOTENCY_META_KEY]);
}
