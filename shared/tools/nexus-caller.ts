/**
 * Who a Nexus call is for, in an identity space of its own: `nexus:<caller namespace>`, or
 * `nexus:<caller namespace>:<name>` when the calling workflow names a user in CALLER_HEADER. Every such string starts
 * with `nexus:`, which no MCP caller's does (a static token's subject has no ':', a JWT's is `jwt:<sub>`, and the
 * unauthenticated caller is `anon`), so nothing a Nexus caller sends reaches an MCP caller's ids.
 *
 * What is trusted: the endpoint admits only the caller namespaces its owner allowed, and that is the boundary. Inside
 * it, the namespace and the name are the caller's word. The namespace comes from the link to the caller's
 * `NexusOperationScheduled` event that its Temporal server adds to the start request; a workflow can replace that link
 * with a `Nexus-Link` header of its own (Temporal Server 1.29 sends the workflow's headers after it), so where the
 * server also names the scheduling namespace in the callback URL (`…/namespaces/<ns>/nexus/callback`, the documented
 * template) a link that disagrees is refused. The name only tells one namespace's users apart.
 */
import { convertNexusLinkToTemporalLink } from '@temporalio/nexus/lib/link-converter';
import * as nexus from 'nexus-rpc';
import type { CallerIdentity } from '../caller-scope';
import { CALLER_HEADER, ON_BEHALF_OF_HEADER } from './nexus-service';

const VISIBLE_ASCII = /^[\x21-\x7e]{1,128}$/;
const CALLBACK_PATH = /^\/namespaces\/([^/]+)\/nexus\/callback$/;

export const NEXUS_CALLER_PREFIX = 'nexus:';

type StartContext = Pick<nexus.StartOperationContext, 'headers' | 'inboundLinks' | 'callbackUrl'>;

/** The namespace the caller's server named in the callback URL, when its template has that shape. */
function callbackNamespace(callbackUrl: string | undefined): string | undefined {
  if (!callbackUrl || !URL.canParse(callbackUrl)) return undefined;
  const match = CALLBACK_PATH.exec(new URL(callbackUrl).pathname);
  return match ? decodeURIComponent(match[1]!) : undefined;
}

/** The namespace of the workflow that scheduled the operation, or a BAD_REQUEST when the request cannot say. */
export function callerNamespace(ctx: StartContext): string {
  const linked = new Set<string>();
  for (const link of ctx.inboundLinks) {
    try {
      const ns = convertNexusLinkToTemporalLink(link).workflowEvent?.namespace;
      if (ns) linked.add(ns);
    } catch {
      // Not a Temporal link: it says nothing about the caller.
    }
  }
  if (linked.size !== 1) {
    throw new nexus.HandlerError(
      'BAD_REQUEST',
      linked.size === 0
        ? 'this endpoint serves Temporal workflows: the request has no link to the calling workflow, so its namespace is unknown'
        : 'the request links workflows in more than one namespace, so its origin is ambiguous',
    );
  }
  const [namespace] = [...linked] as [string];
  const scheduledIn = callbackNamespace(ctx.callbackUrl);
  if (scheduledIn !== undefined && scheduledIn !== namespace) {
    throw new nexus.HandlerError(
      'BAD_REQUEST',
      'the request links a workflow in another namespace than the one that scheduled it: do not set a Nexus-Link header',
    );
  }
  return namespace;
}

/** Who the call is for (see the module comment); ON_BEHALF_OF_HEADER is recorded as MCP's `_meta.onBehalfOf` is. */
export function nexusCaller(ctx: StartContext): CallerIdentity {
  const origin = `${NEXUS_CALLER_PREFIX}${encodeURIComponent(callerNamespace(ctx))}`;
  const name = ctx.headers[CALLER_HEADER];
  if (name !== undefined && !VISIBLE_ASCII.test(name)) {
    throw new nexus.HandlerError('BAD_REQUEST', `${CALLER_HEADER} must be 1 to 128 visible ASCII characters`);
  }
  // Only recorded, never trusted: a malformed value is dropped, as before.
  const onBehalfOf = ctx.headers[ON_BEHALF_OF_HEADER];
  return {
    caller: name === undefined ? origin : `${origin}:${name}`,
    onBehalfOf: onBehalfOf !== undefined && VISIBLE_ASCII.test(onBehalfOf) ? onBehalfOf : undefined,
  };
}
