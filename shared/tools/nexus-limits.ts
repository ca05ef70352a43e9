/**
 * The per-caller limits (../temporal/caller-limits.ts) on the Nexus path: a Nexus caller's open IT sessions and
 * running long-running operations are bounded as an MCP caller's are, each caller (`nexus:<namespace>[:<name>]`) on
 * its own. A refusal is a Nexus handler error the caller workflow sees at once: RESOURCE_EXHAUSTED, whose default is
 * retryable, is marked non-retryable, since retrying a start for hours while the caller's work runs on is no answer.
 */
import { getClient, operationInfo } from '@temporalio/nexus';
import { WorkflowNotFoundError } from '@temporalio/client';
import * as nexus from 'nexus-rpc';
import { CallerLimitReached, checkCallerLimit, type CallerLimit } from '../temporal/caller-limits';
import { startsLongRunningWork, type AnyToolDefinition } from './definition';
import { keyedWorkflowIdPrefix } from './workflow-runner';

/** The Nexus form of a refusal: the limit's own message (it names the setting), never retried. */
export function limitRefusal(err: CallerLimitReached): nexus.HandlerError {
  return new nexus.HandlerError('RESOURCE_EXHAUSTED', err.message, { cause: err, retryableOverride: false });
}

/**
 * Refuses the start of a long-running tool's workflow past the caller's bound, counting the caller's running
 * workflows of that tool on the handler's task queue. A Nexus retry of the same operation names the same workflow id
 * (its request id is the key), so it starts nothing new and passes. Other tools, or no limit: nothing to check.
 */
export async function checkLongRunningLimit(
  tool: Pick<AnyToolDefinition, 'name' | 'taskMode' | 'workflow'>,
  caller: string | undefined,
  workflowId: string,
  limit: CallerLimit | undefined,
): Promise<void> {
  if (!limit || !startsLongRunningWork(tool)) return;
  const client = getClient();
  const selector = {
    taskQueue: operationInfo().taskQueue,
    idPrefix: keyedWorkflowIdPrefix(tool.name, caller),
    workflowTypes: [tool.workflow.type],
  };
  const isExisting = async () => {
    try {
      return (await client.workflow.getHandle(workflowId).describe()).status.name === 'RUNNING';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  };
  try {
    await checkCallerLimit(client, limit, selector, isExisting);
  } catch (err) {
    throw err instanceof CallerLimitReached ? limitRefusal(err) : err;
  }
}
