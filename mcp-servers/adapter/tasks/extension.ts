/**
 * The `io.modelcontextprotocol/tasks` extension of MCP 2026-07-28 (SEP-2663) on one McpServer instance: the
 * capability in `server/discover`, the task-augmented `tools/call` (a `CreateTaskResult` with `resultType: "task"`
 * for clients that declared the extension on the request), and `tasks/get`, `tasks/update`, `tasks/cancel`.
 *
 * The SDK v2 (2.4.0) has the vocabulary but no runtime for this extension: it lets `tasks/get` and `tasks/cancel`
 * through on the 2026 era when registered with an explicit schema, and passes `resultType: "task"` on tools/call.
 * Everything else is here, over TaskWorkflows (a task is a Temporal workflow). 2025-era clients never see any of it.
 */
import {
  MissingRequiredClientCapabilityError,
  ProtocolError,
  ProtocolErrorCode,
  type CallToolResult,
  type McpServer,
  type ServerContext,
} from '@modelcontextprotocol/server';
import { z } from 'zod';
import { describeFailure } from '../../../shared/temporal/failures';
import type { AnyToolDefinition } from '../../../shared/tools/definition';
import { IdempotencyConflict } from '../../../shared/tools/workflow-runner';
import { writeScopeChallenge } from '../../transports/auth';
import { approvalRefusalResult } from '../approvals';
import { callerOf } from '../caller';
import { toolError } from '../tool-results';
import { TaskNotFound, type StartedTask, type TaskState, type TaskWorkflows } from './task-workflows';

export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

/** A tool that can run as a task: how a call becomes its workflow, and how the workflow's value becomes the tool result. */
export interface TaskTool {
  definition: AnyToolDefinition;
  /** Starts the call's workflow as a task, or answers at once with a tool error (bad input the schema cannot see). */
  start(args: Record<string, unknown>, ctx: ServerContext): Promise<StartedTask | CallToolResult>;
  /** The tool result for the workflow's return value. */
  complete(value: unknown): CallToolResult;
}

/** The tool error a call without a task gets when its workflow fails: the same text for a task's result. */
export function failedToolResult(tool: string, err: unknown): CallToolResult {
  if (err instanceof IdempotencyConflict) return toolError(err.message);
  return toolError(`${tool} failed: ${describeFailure(err)}`);
}

const taskIdParams = z.looseObject({ taskId: z.string().min(1).max(256) });
// The SDK lifts `inputResponses` out of params before dispatch (it is the multi-round-trip field name), so the
// handler never sees it; our tasks have no outstanding input requests to match it against anyway.
const updateParams = z.looseObject({ taskId: z.string().min(1).max(256) });

/** The tools/call handler McpServer installed, kept to serve every call that does not become a task. */
type RawHandler = (request: never, ctx: ServerContext) => Promise<Record<string, unknown>>;
function installedHandler(server: McpServer, method: string): RawHandler {
  // `_getRequestHandler` is the SDK's protected lookup for subclasses; McpServer gives no other way to wrap its
  // tools/call (its output validation would refuse a CreateTaskResult for a tool with an output schema).
  const handler = (
    server.server as unknown as { _getRequestHandler(m: string): RawHandler | undefined }
  )._getRequestHandler(method);
  if (!handler) throw new Error(`no ${method} handler to wrap: register the tools first`);
  return handler;
}

const isStarted = (x: StartedTask | CallToolResult): x is StartedTask => typeof x.taskId === 'string' && 'handle' in x;

function declaresTasks(server: McpServer): boolean {
  const extensions = server.server.getClientCapabilities()?.extensions as Record<string, unknown> | undefined;
  return extensions?.[TASKS_EXTENSION] !== undefined;
}

function requireTasksCapability(server: McpServer): void {
  // -32021, naming the extension the request must declare (the extension's gate on tasks/*).
  if (!declaresTasks(server))
    throw new MissingRequiredClientCapabilityError({
      requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } },
    } as never);
}

function notFound(err: unknown): never {
  if (err instanceof TaskNotFound) {
    throw new ProtocolError(
      ProtocolErrorCode.InvalidParams,
      `Failed to retrieve task: ${err.expired ? 'Task has expired' : 'Task not found'}`,
    );
  }
  throw err;
}

/** The Task fields every shape carries. */
function taskFields(taskId: string, tasks: TaskWorkflows, createdAt: Date, lastUpdatedAt: Date) {
  return {
    taskId,
    createdAt: createdAt.toISOString(),
    lastUpdatedAt: lastUpdatedAt.toISOString(),
    ttlMs: tasks.ttlMs,
    pollIntervalMs: tasks.pollIntervalMs,
  };
}

/** A DetailedTask for tasks/get: status, and the result when the task has ended. */
function detailedTask(taskId: string, state: TaskState, tool: TaskTool, tasks: TaskWorkflows): Record<string, unknown> {
  const base = taskFields(taskId, tasks, state.createdAt, state.lastUpdatedAt);
  switch (state.status) {
    case 'working':
      return { ...base, status: 'working', statusMessage: state.progress?.message ?? `${state.tool} is running` };
    case 'cancelled':
      return {
        ...base,
        status: 'cancelled',
        statusMessage: 'Cancelled: the workflow was cancelled, with its timers and activities',
      };
    case 'failed-run': {
      // A tool that ran and failed is a completed task whose result is a tool error, as the extension requires.
      const result = failedToolResult(tool.definition.name, state.error);
      return { ...base, status: 'completed', statusMessage: 'Completed with a tool error', result };
    }
    case 'completed': {
      let result: CallToolResult;
      try {
        result = tool.complete(state.value);
      } catch (err) {
        // The workflow returned what the tool's output schema refuses: a server fault, not a tool error.
        const message = `${tool.definition.name} returned a result its output schema refuses: ${(err as Error).message}`;
        return {
          ...base,
          status: 'failed',
          statusMessage: message,
          error: { code: ProtocolErrorCode.InternalError, message },
        };
      }
      return {
        ...base,
        status: 'completed',
        statusMessage: tool.definition.summarize(result.structuredContent as never),
        result,
      };
    }
  }
}

/**
 * Adds the tasks extension to a 2026-07-28 server instance whose tools are already registered. `tools` are the ones
 * that may run as tasks (their definitions say `taskMode`).
 */
export function installTasksExtension(server: McpServer, tasks: TaskWorkflows, tools: readonly TaskTool[]): void {
  const byName = new Map(tools.map((t) => [t.definition.name, t]));
  server.server.registerCapabilities({ extensions: { [TASKS_EXTENSION]: {} } });

  const callTool = installedHandler(server, 'tools/call');
  server.server.setRequestHandler('tools/call', async (request, ctx) => {
    const tool = byName.get(request.params.name);
    // The server decides: only a client that declared the extension on this request can get a task.
    if (!tool || !declaresTasks(server)) return callTool(request as never, ctx) as never;
    const parsed = tool.definition.input.safeParse(request.params.arguments ?? {});
    // Invalid arguments: the plain path answers them exactly as it always does.
    if (!parsed.success) return callTool(request as never, ctx) as never;
    // Approval first: a call that needs it starts no task.
    const refused = approvalRefusalResult(server, tool.definition);
    if (refused) return refused;
    let started: StartedTask | CallToolResult;
    try {
      started = await tool.start(parsed.data as Record<string, unknown>, ctx);
    } catch (err) {
      return failedToolResult(tool.definition.name, err);
    }
    if (!isStarted(started)) return started;
    if (tool.definition.taskMode === 'when-slow') {
      // A quick tool is answered within the call when its workflow is quick; otherwise the caller polls.
      const settled = await Promise.race([
        started.handle.result().then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        ),
        new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), tasks.inlineWaitMs).unref()),
      ]);
      if (settled)
        return 'error' in settled
          ? failedToolResult(tool.definition.name, settled.error)
          : tool.complete(settled.value);
    }
    const progress = await tasks.progress(started.handle);
    return {
      resultType: 'task',
      ...taskFields(
        started.taskId,
        tasks,
        started.createdAt,
        progress ? new Date(progress.updatedAt) : started.createdAt,
      ),
      status: 'working',
      statusMessage:
        progress?.message ?? `${tool.definition.name} is running as a task: poll tasks/get with its taskId`,
    } as never;
  });

  server.server.setRequestHandler('tasks/get', { params: taskIdParams }, async ({ taskId }, ctx) => {
    requireTasksCapability(server);
    const state = await tasks.state(taskId, callerOf(ctx).caller).catch(notFound);
    const tool = byName.get(state.tool);
    if (!tool) notFound(new TaskNotFound(taskId));
    return detailedTask(taskId, state, tool, tasks) as never;
  });

  // No tool of ours asks the client for input while it runs, so a task never has outstanding inputRequests: every
  // response names a key that is not outstanding and is ignored, as the extension says. Unknown tasks are refused.
  server.server.setRequestHandler('tasks/update', { params: updateParams }, async ({ taskId }, ctx) => {
    requireTasksCapability(server);
    await tasks.state(taskId, callerOf(ctx).caller).catch(notFound);
    return {} as never;
  });

  // Cancelling stops a running workflow: a write, refused with the same 403 challenge as a write tool, before the
  // handler runs. McpServer resolves challenges only for tools, resources and prompts; its resolver is a typed field
  // (marked internal in SDK 2.4.0) that both eras' transports call per request, so tasks/cancel joins it here.
  const resolveScopeChallenge = server.resolveScopeChallenge;
  server.resolveScopeChallenge = (context) =>
    context.request.method === 'tasks/cancel'
      ? writeScopeChallenge(context.authInfo, 'tasks/cancel stops a task')
      : resolveScopeChallenge(context);
  server.server.setRequestHandler('tasks/cancel', { params: taskIdParams }, async ({ taskId }, ctx) => {
    requireTasksCapability(server);
    await tasks.cancel(taskId, callerOf(ctx).caller).catch(notFound);
    return {} as never;
  });
}
