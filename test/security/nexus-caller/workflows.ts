/**
 * A caller workflow for the Nexus identity tests: one operation on any endpoint, with whatever Nexus headers its
 * memo names (`headers`), as any workflow in an allowed caller namespace could send. Answers the result, or the
 * handler's error type and message, instead of failing.
 * Workflow code: deterministic, no I/O.
 */
import { createNexusServiceClient, workflowInfo, type WorkflowInterceptorsFactory } from '@temporalio/workflow';
import * as nexus from 'nexus-rpc';

export interface NexusCallInput {
  endpoint: string;
  service: string;
  operation: string;
  input: unknown;
}

export type NexusCallOutcome = { ok: true; result: unknown } | { ok: false; type?: string; message: string };

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
