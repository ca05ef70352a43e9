/**
 * MCP tasks as Temporal workflows. A task id is 128 random bits (base64url; derived from the idempotency key when the
 * caller gives one) and names the workflow `mcp-task-<callerScope>-<taskId>`: any replica, and a restarted server,
 * finds the task by its id, and only inside its caller's scope, so another identity (or a guessed id) finds nothing.
 * Status, progress and result are read from Temporal (describe, the progress Query, the result); cancelling a task
 * cancels its workflow. Nothing about a task lives in the server process.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { callerScope, type CallerIdentity } from '../../../shared/caller-scope';
import { taskProgressQuery, type TaskProgress } from '../../../shared/tools/task-progress';
import { keyedRepeat, toolRunRecord } from '../../../shared/tools/workflow-runner';

export const TASK_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export function taskWorkflowId(taskId: string, owner?: string): string {
  return `mcp-task-${callerScope(owner)}-${taskId}`;
}

export interface TaskWorkflowsOptions {
  client: Client;
  taskQueue: string;
  /** How long a task is kept from its creation (its workflow may run at most this long); default one day. */
  ttlMs?: number;
  /** How often clients should poll, the hint in every task; default one second. */
  pollIntervalMs?: number;
  /** A `when-slow` tool's call is answered within the call if its workflow finishes in this time; default one second. */
  inlineWaitMs?: number;
}

export interface StartedTask {
  taskId: string;
  handle: WorkflowHandle;
  createdAt: Date;
}

/** What Temporal says about a task, before it is put in MCP terms. */
export type TaskState = { tool: string; createdAt: Date; lastUpdatedAt: Date } & (
  | { status: 'working'; progress?: TaskProgress }
  | { status: 'completed'; value: unknown }
  | { status: 'failed-run'; error: unknown }
  | { status: 'cancelled' }
);

/** The id names no task of this caller: never existed, someone else's, or past its TTL. */
export class TaskNotFound extends Error {
  override name = 'TaskNotFound';
  constructor(
    readonly taskId: string,
    readonly expired = false,
  ) {
    super(expired ? 'Task has expired' : 'Task not found');
  }
}

export class TaskWorkflows {
  readonly ttlMs: number;
  readonly pollIntervalMs: number;
  readonly inlineWaitMs: number;

  constructor(private readonly opts: TaskWorkflowsOptions) {
    this.ttlMs = opts.ttlMs ?? 86_400_000;
    this.pollIntervalMs = opts.pollIntervalMs ?? 1000;
    this.inlineWaitMs = opts.inlineWaitMs ?? 1000;
  }

  /** 132 bits of SHA-256 of (caller scope, tool, key): a retried keyed call names the same task, in its caller's scope only. */
  private taskIdFor(tool: string, caller: string | undefined, key: string): string {
    return createHash('sha256')
      .update(`task:${callerScope(caller)}:${tool}:${key}`)
      .digest('base64url')
      .slice(0, 22);
  }

  /**
   * Starts the task's workflow and returns once Temporal has it, so a `tasks/get` for the id resolves on any replica
   * (the extension's "durably created"). A keyed repeat with the same arguments gets the task its first call started.
   */
  async start(
    tool: string,
    workflowType: string,
    args: unknown,
    who: CallerIdentity,
    idempotencyKey?: string,
  ): Promise<StartedTask> {
    const taskId = idempotencyKey
      ? this.taskIdFor(tool, who.caller, idempotencyKey)
      : randomBytes(16).toString('base64url');
    const workflowId = taskWorkflowId(taskId, who.caller);
    const record = toolRunRecord(tool, args, who);
    try {
      const handle = await this.opts.client.workflow.start(workflowType, {
        taskQueue: this.opts.taskQueue,
        workflowId,
        args: args === undefined ? [] : [args],
        workflowExecutionTimeout: this.ttlMs,
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        memo: { ...record.memo, mcpTask: true },
        staticSummary: `MCP task: ${record.staticSummary}`,
      });
      // Read back once: the task's creation time is its workflow's start time, and a tasks/get for it now resolves.
      const { startTime } = await handle.describe();
      return { taskId, handle, createdAt: startTime };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError) || !idempotencyKey) throw err;
      const { handle, startTime } = await keyedRepeat(this.opts.client, workflowId, tool, args, idempotencyKey);
      return { taskId, handle, createdAt: startTime };
    }
  }

  private handle(taskId: string, owner?: string): WorkflowHandle {
    if (!TASK_ID_PATTERN.test(taskId)) throw new TaskNotFound(taskId);
    return this.opts.client.workflow.getHandle(taskWorkflowId(taskId, owner));
  }

  /** The task as Temporal has it now. Throws TaskNotFound for an id that names no task of this caller, or an expired one. */
  async state(taskId: string, owner?: string): Promise<TaskState> {
    const handle = this.handle(taskId, owner);
    let described;
    try {
      described = await handle.describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new TaskNotFound(taskId);
      throw err;
    }
    const tool = described.memo?.mcpTask === true ? described.memo.tool : undefined;
    if (typeof tool !== 'string') throw new TaskNotFound(taskId);
    const createdAt = described.startTime;
    if (Date.now() > createdAt.getTime() + this.ttlMs) throw new TaskNotFound(taskId, true);
    const lastUpdatedAt = described.closeTime ?? createdAt;
    switch (described.status.name) {
      case 'RUNNING':
      case 'CONTINUED_AS_NEW': {
        // Tools without progress (quick ones) answer no Query: they are simply working.
        const progress = await handle.query(taskProgressQuery).catch(() => undefined);
        return {
          tool,
          createdAt,
          lastUpdatedAt: progress ? new Date(progress.updatedAt) : lastUpdatedAt,
          status: 'working',
          progress,
        };
      }
      case 'COMPLETED':
        return { tool, createdAt, lastUpdatedAt, status: 'completed', value: await handle.result() };
      case 'CANCELLED':
        return { tool, createdAt, lastUpdatedAt, status: 'cancelled' };
      default: {
        // FAILED, TIMED_OUT, TERMINATED: the tool ran and failed, as a call without a task would have reported it.
        const error = await handle.result().then(
          () => new Error(`workflow ${described.status.name.toLowerCase()}`),
          (e: unknown) => e,
        );
        return { tool, createdAt, lastUpdatedAt, status: 'failed-run', error };
      }
    }
  }

  /** The progress of a running task's workflow, if it reports any. */
  progress(handle: WorkflowHandle): Promise<TaskProgress | undefined> {
    return handle.query(taskProgressQuery).catch(() => undefined);
  }

  /**
   * Asks Temporal to cancel the task's workflow: its timer and activity in flight are cancelled and it ends as
   * cancelled. A task that has already ended is left as it is (the extension's idempotent ack).
   */
  async cancel(taskId: string, owner?: string): Promise<void> {
    const state = await this.state(taskId, owner);
    if (state.status !== 'working') return;
    try {
      await this.handle(taskId, owner).cancel();
    } catch (err) {
      // Ended between the read and the request: nothing left to cancel.
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }
}
