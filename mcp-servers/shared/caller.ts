/**
 * Who is calling, and the scope every durable id a caller can name lives in.
 *
 * Ids that callers choose or hold (idempotency keys, IT session handles) are looked up only inside the caller's own
 * scope: the scope is part of the workflow id. Another caller computes another workflow id, so it finds nothing, and
 * the answer it gets is exactly the answer for an id that never existed. No describe, no memo check, no extra round
 * trip: the binding is in the name.
 */
import { createHash } from 'node:crypto';
import type { AuthInfo, ServerContext } from '@modelcontextprotocol/server';
import { subjectOf } from '../transports/auth';

/** An agent acting for a person names them here; recorded beside the authenticated caller, never trusted as one. */
export const ON_BEHALF_OF_META_KEY = 'onBehalfOf';

/** Who asked for a tool call: the token's subject, and the person an agent said it acts for. */
export interface CallerIdentity {
  caller?: string;
  onBehalfOf?: string;
}

export function onBehalfOfFrom(meta: Record<string, unknown> | undefined): string | undefined {
  const value = meta?.[ON_BEHALF_OF_META_KEY];
  return typeof value === 'string' && /^[\x21-\x7e]{1,128}$/.test(value) ? value : undefined;
}

/** The identity of the request a tool handler serves. */
export function callerOf(ctx: Pick<ServerContext, 'http' | 'mcpReq'>): CallerIdentity {
  return { caller: subjectOf(ctx.http?.authInfo as AuthInfo | undefined), onBehalfOf: onBehalfOfFrom(ctx.mcpReq._meta) };
}

/** Without auth (loopback, no tokens) every request is the one anonymous caller. */
export const ANONYMOUS_SCOPE = 'anon';

/**
 * The caller's id scope: 128 bits of SHA-256 of the token subject, so workflow ids never spell out a subject (the
 * memo does, for people reading the Web UI) and two subjects never share a scope.
 */
export function callerScope(caller: string | undefined): string {
  if (caller === undefined) return ANONYMOUS_SCOPE;
  return createHash('sha256').update(`caller:${caller}`).digest('hex').slice(0, 32);
}
