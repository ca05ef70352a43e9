/**
 * A caller workflow for the Nexus identity tests: one operation on any endpoint, with whatever Nexus headers its
 * memo names (`headers`), as any workflow in an allowed caller namespace could send. Answers the result, or the
 * handler's error type and message, instead of failing.
 * Workflow code: deterministic, no I/O.
 */
import {
  condition,
  createNexusServiceClient,
  defineUpdate,
  setHandler,
  workflowInfo,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';
import * as nexus from 'nexus-rpc';

export interface NexusCallInput {
  endpoint: string;
  service: string;
  operation: string;
  input: unknown;
}

export type NexusCallOutcome =
  { ok: true; result: unknown } | { ok: false; type?: string; message: string; retryable?: boolean };

export async function nexusCallWorkflow({
  endpoint,
  service,
  operation,
  input,
}: NexusCallInput): Promise<NexusCallOutcome> {
  const client = createNexusServiceClient({
    endpoint,
    service: nexus.service(service, { [operation]: nexus.operation<unknown, unknown>() }),
  });
  try {
    return {
      ok: true,
      result: await client.executeOperation(operation, input, { scheduleToCloseTimeout: '30 seconds' }),
    };
  } catch (err) {
    const cause = err instanceof Error ? err.cause : undefined;
    if (cause instanceof nexus.HandlerError) return { ok: false, type: cause.type, message: cause.message };
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

/** Answers, once known, whether `nexusStartWorkflow`'s operation started (or how it was refused). */
export const startedUpdate = defineUpdate<NexusCallOutcome>('started');

/**
 * Starts one operation and holds it (the workflow waits for its result) so that it keeps running: for limits on
 * running operations. The `started` update answers once the start has been accepted or refused, and a refusal says
 * whether it is retryable.
 */
export async function nexusStartWorkflow({ endpoint, service, operation, input }: NexusCallInput): Promise<void> {
  let outcome: NexusCallOutcome | undefined;
  setHandler(startedUpdate, async () => {
    await condition(() => outcome !== undefined);
    return outcome!;
  });
  const client = createNexusServiceClient({
    endpoint,
    service: nexus.service(service, { [operation]: nexus.operation<unknown, unknown>() }),
  });
  try {
    const handle = await client.startOperation(operation, input, { scheduleToCloseTimeout: '1 hour' });
    outcome = { ok: true, result: handle.token ?? null };
    await handle.result();
  } catch (err) {
    const cause = err instanceof Error ? err.cause : undefined;
    // With whether the handler said to retry: a refusal the caller should read at once says no.
    if (cause instanceof nexus.HandlerError) {
      outcome ??= { ok: false, type: cause.type, message: cause.message, retryable: cause.retryable };
    }
    outcome ??= { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [
    {
      startNexusOperation(input, next) {
        const headers = (workflowInfo().memo?.headers ?? {}) as Record<string, string>;
        return next({ ...input, headers: { ...input.headers, ...headers } });
      },
    },
  ],
});
