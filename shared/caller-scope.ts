/**
 * The scope every durable id a caller can name lives in (idempotency keys, IT session handles, conversations). The
 * scope is part of the workflow id, so another caller computes another id and finds nothing: the answer it gets is the
 * answer for an id that never existed, with no lookup of an owner.
 */
import { createHash } from 'node:crypto';

/** Who asked for a tool call: the authenticated subject, and the person an agent said it acts for (recorded, never trusted as the caller). */
export interface CallerIdentity {
  caller?: string;
  onBehalfOf?: string;
}

/** Without auth (loopback, no tokens) every request is the one anonymous caller. */
export const ANONYMOUS_SCOPE = 'anon';

/**
 * 128 bits of SHA-256 of the caller's subject, so workflow ids never spell out a subject (memos do, for people reading
 * the Web UI) and two subjects never share a scope.
 */
export function callerScope(caller: string | undefined): string {
  if (caller === undefined) return ANONYMOUS_SCOPE;
  return createHash('sha256').update(`caller:${caller}`).digest('hex').slice(0, 32);
}

/**
 * 132 bits of SHA-256 of a domain-separated text, base64url (22 characters): a handle or task id derived from a
 * caller's key, and the digest that stands for a task id in its workflow id.
 */
export function idDigest(domain: string, text: string): string {
  return createHash('sha256').update(`${domain}:${text}`).digest('base64url').slice(0, 22);
}
