/**
 * Tools as tasks, derived from their definitions: a workflow-run tool becomes a TaskTool as it is, and a long-running
 * tool (`taskMode: 'always'`) runs through its task workflow even when the call is answered within it (2025-era
 * clients, clients without the extension), with progress notifications when the request carries a progressToken.
 */
import type { CallToolResult, McpServer, ServerContext } from '@modelcontextprotocol/server';
import type { AnyWorkflowRunTool } from '../../../shared/tools/definition';
import {
  IDEMPOTENCY_META_KEY,
  validateIdempotencyKey,
  type ToolWorkflowRunner,
} from '../../../shared/tools/workflow-runner';
import { callerOf } from '../caller';
import { definedResult, registerDefinedTool, registerWorkflowTool } from '../tool-registration';
import type { McpServeContext } from '../../transports/http';
import { failedToolResult, installTasksExtension, type TaskTool } from './extension';
import type { StartedTask, TaskWorkflows } from './task-workflows';

export function idempotencyKeyOf(ctx: ServerContext): string | undefined {
  return validateIdempotencyKey(ctx.mcpReq._meta?.[IDEMPOTENCY_META_KEY]);
}

/** A workflow-run tool as a task: its arguments start its workflow, its output schema parses the result. */
export function workflowTaskTool(tool: AnyWorkflowRunTool, tasks: TaskWorkflows): TaskTool {
  return {
    definition: tool,
    start: (args, ctx) => tasks.start(tool.name, tool.workflow.type, args, callerOf(ctx), idempotencyKeyOf(ctx)),
    complete: (value) => definedResult(tool, tool.output.parse(value)),
  };
}

const isStarted = (x: StartedTask | CallToolResult): x is StartedTask => typeof x.taskId === 'string' && 'handle' in x;

/**
 * A long-running tool's call answered within the call: its task workflow runs to the end while this request waits.
 * With a progressToken, each new progress step the workflow reports becomes a `notifications/progress`.
 */
export async function runTaskToCompletion(
  tool: TaskTool,
  args: Record<string, unknown>,
  ctx: ServerContext,
  tasks: TaskWorkflows,
): Promise<CallToolResult> {
  let started: StartedTask | CallToolResult;
  try {
    started = await tool.start(args, ctx);
  } catch (err) {
    return failedToolResult(tool.definition.name, err);
  }
  if (!isStarted(started)) return started;
  const result = started.handle.result();
  const progressToken = ctx.mcpReq._meta?.progressToken;
  if (progressToken !== undefined) {
    const ended = result.then(
      () => true,
      () => true,
    );
    let reported = 0;
    for (;;) {
      const tick = new Promise<false>((resolve) => setTimeout(() => resolve(false), tasks.pollIntervalMs).unref());
      if (await Promise.race([ended, tick])) break;
      const progress = await tasks.progress(started.handle);
      if (!progress || progress.progress <= reported) continue;
      reported = progress.progress;
      await ctx.mcpReq
        .notify({
          method: 'notifications/progress',
          params: { progressToken, progress: progress.progress, total: progress.total, message: progress.message },
        })
        .catch(() => undefined); // a client that went away does not stop the work
    }
  }
  try {
    return tool.complete(await result);
  } catch (err) {
    return failedToolResult(tool.definition.name, err);
  }
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
