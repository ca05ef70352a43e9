/**
 * A workflow-run Nexus operation starts its workflow with the caller's completion callback attached, and the server
 * checks that callback's URL against `component.callbacks.allowedAddresses`. A self-hosted server's list is empty by
 * default, so it refuses every callback; the SDK passes the refusal on as a bare BAD_REQUEST, and no log says why.
 * Here the refusal becomes one line naming the setting: in the tool worker's log (once per worker) and in the handler
 * error the caller's tool call fails with.
 */
import type { Workflow } from '@temporalio/common';
import { log, startWorkflow } from '@temporalio/nexus';
import * as nexus from 'nexus-rpc';

export const CALLBACK_ALLOW_LIST_SETTING = 'component.callbacks.allowedAddresses';

/** The server's words for a callback URL it will not call (temporal/service/frontend/workflow_handler.go). */
const REFUSALS = [
  'does not match any configured callback address',
  'callback address does not allow insecure connections',
];

/** The messages on an error and its causes: the SDK wraps the server's gRPC status in a ServiceError. */
function messages(err: unknown): string[] {
  const found: string[] = [];
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { message, details } = e as { message?: unknown; details?: unknown };
    for (const text of [message, details]) if (typeof text === 'string' && text) found.push(text);
  }
  return found;
}

/** One line naming the setting, when `err` is the server refusing `callbackUrl`; else undefined. */
export function callbackRefusal(err: unknown, callbackUrl: string | undefined): string | undefined {
  if (!callbackUrl) return undefined;
  const said = messages(err).find((m) => REFUSALS.some((r) => m.includes(r)));
  if (!said) return undefined;
  let host = callbackUrl;
  try {
    host = new URL(callbackUrl).host;
  } catch {
    // not a URL: the server said so; name it as it came
  }
  const insecure = said.includes('insecure');
  return (
    `the Temporal server refuses this Nexus operation's completion callback ${callbackUrl}: ` +
    `add {"Pattern": "${host}", "AllowInsecure": ${insecure || callbackUrl.startsWith('http:')}} to ${CALLBACK_ALLOW_LIST_SETTING} ` +
    `in the server's dynamic config (docs/self-hosted-cluster.md)`
  );
}

let reported = false;

/**
 * `startWorkflow` of @temporalio/nexus, with a refused callback reported as `callbackRefusal` says: a non-retryable
 * BAD_REQUEST whose message names the setting, and the same line in this worker's log the first time.
 */
export async function startOperationWorkflow<T extends Workflow>(
  ctx: nexus.StartOperationContext,
  workflowType: string | T,
  options: Parameters<typeof startWorkflow<T>>[2],
): ReturnType<typeof startWorkflow<T>> {
  try {
    return await startWorkflow<T>(ctx, workflowType, options);
  } catch (err) {
    const refusal = callbackRefusal(err, ctx.callbackUrl);
    if (!refusal) throw err;
    if (!reported) {
      reported = true;
      log.error(refusal);
    }
    throw new nexus.HandlerError('BAD_REQUEST', refusal, { cause: err, retryableOverride: false });
  }
}
