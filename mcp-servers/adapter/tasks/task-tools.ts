/**
 * Tools as tasks, derived from their definitions: a workflow-run tool becomes a TaskTool as it is, and a long-running
 * tool (`taskMode: 'always'`) runs through its task workflow even when the call is answered within it (2025-era
 * clients, clients without the extension), with progress notifications when the request carries a progressToken.
 */
import type { CallToolResult, McpServer, ServerContext } from '@modelcontextprotocol/server';
import type { AnyWorkflowRunTool } from '../../../shared/tools/definition';
import type { ToolWorkflowRunner } from '../../../shared/tools/workflow-runner';
import { callerOf, idempotencyKeyOf } from '../caller';
import { definedResult, registerDefinedTool, registerWorkflowTool } from '../tool-registration';
import { toolError } from '../tool-results';
import type { McpServeContext } from '../../transports/http';
import { failedToolResult, installTasksExtension, type TaskTool } from './extension';
import type { StartedTask, TaskWorkflows } from './task-workflows';

/** A workflow-run tool as a task: its arguments start its workflow, its output schema parses the result. */
export function workflowTaskTool(tool: AnyWorkflowRunTool, tasks: TaskWorkflows): TaskTool {
  return {
    definition: tool,
    start: (args, ctx) =>
      tasks.start(tool.name, tool.workflow.type, args, callerOf(ctx), idempotencyKeyOf(ctx), {
        longRunning: tool.taskMode === 'always',
      }),
    complete: (value) => definedResult(tool, tool.output.parse(value)),
  };
}

const isStarted = (x: StartedTask | CallToolResult): x is StartedTask => typeof x.taskId === 'string' && 'handle' in x;

/** Why a synchronous call stopped waiting before its task ended. */
type Stopped = 'client-gone' | 'too-long';

/** Aborted when the request's client has gone: the SDK's per-request signal, and the HTTP request's own (2025-era leg). */
function clientGoneSignal(ctx: ServerContext): AbortSignal {
  const signals = [ctx.mcpReq.signal, ctx.http?.req?.signal].filter((s): s is AbortSignal => s !== undefined);
  return signals.length === 1 ? signals[0]! : AbortSignal.any(signals);
}

function duration(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`;
}

/**
 * A long-running tool's call answered within the call: its task workflow runs to the end while this request waits.
 * With a progressToken, each new progress step the workflow reports becomes a `notifications/progress`.
 *
 * The wait has two ends besides the result: the client going away (disconnect, cancellation) and `maxSyncWaitMs`.
 * Either way nobody can reach the task any more (its id was never handed out), so it is cancelled rather than left
 * running for hours, and this request stops waiting and polling at once.
 */
export async function runTaskToCompletion(
  tool: TaskTool,
  args: Record<string, unknown>,
  ctx: ServerContext,
  tasks: TaskWorkflows,
): Promise<CallToolResult> {
  const name = tool.definition.name;
  let started: StartedTask | CallToolResult;
  try {
    started = await tool.start(args, ctx);
  } catch (err) {
    return failedToolResult(name, err);
  }
  if (!isStarted(started)) return started;
  const { handle } = started;

  const stop = new AbortController();
  const clientGone = clientGoneSignal(ctx);
  const onClientGone = () => stop.abort('client-gone' satisfies Stopped);
  clientGone.addEventListener('abort', onClientGone, { once: true });
  if (clientGone.aborted) onClientGone();
  const deadline = setTimeout(() => stop.abort('too-long' satisfies Stopped), tasks.maxSyncWaitMs);
  const stopped = new Promise<{ stopped: Stopped }>((resolve) => {
    const settle = () => resolve({ stopped: stop.signal.reason as Stopped });
    if (stop.signal.aborted) settle();
    else stop.signal.addEventListener('abort', settle, { once: true });
  });
  // The result's long poll is a Temporal call that lasts as long as the task: aborted with the wait.
  const outcome = Promise.race([
    handle.client
      .withAbortSignal(stop.signal, () => handle.result())
      .then(
        (value: unknown) => ({ value }),
        (error: unknown) => ({ error }),
      ),
    stopped,
  ]);
  try {
    const progressToken = ctx.mcpReq._meta?.progressToken;
    if (progressToken !== undefined) {
      const ended = outcome.then(() => true);
      let reported = 0;
      for (;;) {
        const tick = new Promise<false>((resolve) => setTimeout(() => resolve(false), tasks.pollIntervalMs).unref());
        if (await Promise.race([ended, tick])) break;
        const progress = await tasks.progress(handle);
        if (!progress || progress.progress <= reported) continue;
        reported = progress.progress;
        await ctx.mcpReq
          .notify({
            method: 'notifications/progress',
            params: { progressToken, progress: progress.progress, total: progress.total, message: progress.message },
          })
          .catch(() => undefined); // a lost notification is no reason to stop: the disconnect signal says when to
      }
    }
    const settled = await outcome;
    if ('value' in settled) return tool.complete(settled.value);
    // The aborted long poll rejects too: a failure after a stop is the stop.
    if ('stopped' in settled || stop.signal.aborted)
      return await cancelled(handle, name, stop.signal.reason as Stopped, tasks.maxSyncWaitMs);
    return failedToolResult(name, settled.error);
  } catch (err) {
    return failedToolResult(name, err);
  } finally {
    clearTimeout(deadline);
    clientGone.removeEventListener('abort', onClientGone);
  }
}

/** Cancels the task a synchronous call gave up on, and says why (the client that went away reads nothing). */
async function cancelled(
  handle: StartedTask['handle'],
  name: string,
  why: Stopped,
  maxSyncWaitMs: number,
): Promise<CallToolResult> {
  // Already closed (it ended just as the wait did) is fine: nothing runs on either way.
  await handle.cancel().catch(() => undefined);
  if (why === 'client-gone') return toolError(`${name} was cancelled: the client went away before it finished`);
  return toolError(
    `${name} ran longer than the ${duration(maxSyncWaitMs)} a call answered within the request may take ` +
      '(MCP_MAX_SYNC_WAIT_MS), so it was cancelled. Call it as an MCP task (the io.modelcontextprotocol/tasks ' +
      'extension) to let it run for longer, or ask for less work.',
  );
}

/**
 * Registers workflow-run tools: quick ones as plain workflow calls, long ones through their task workflow; returns
 * the TaskTools among them, for the tasks extension.
 */
export function registerWorkflowTools(
  server: McpServer,
  tools: readonly AnyWorkflowRunTool[],
  runner: ToolWorkflowRunner,
  tasks?: TaskWorkflows,
): TaskTool[] {
  const taskTools: TaskTool[] = [];
  for (const tool of tools) {
    const taskTool = tasks && tool.taskMode ? workflowTaskTool(tool, tasks) : undefined;
    if (taskTool && tasks && tool.taskMode === 'always') {
      tasks.declareLongRunning(tool.workflow.type);
      registerDefinedTool(server, tool, (args, ctx) =>
        runTaskToCompletion(taskTool, args as Record<string, unknown>, ctx, tasks),
      );
    } else {
      registerWorkflowTool(server, tool, runner);
    }
    if (taskTool) taskTools.push(taskTool);
  }
  return taskTools;
}

/** The extension goes on 2026-07-28 instances only: 2025-era clients keep plain synchronous calls. */
export function offerTasks(
  server: McpServer,
  context: McpServeContext | undefined,
  tasks: TaskWorkflows | undefined,
  tools: readonly TaskTool[],
): void {
  if (tasks && context?.era === 'modern' && tools.length > 0) installTasksExtension(server, tasks, tools);
}
