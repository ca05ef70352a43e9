/**
 * MCP tasks as Temporal workflows. A task id is 128 random bits (base64url; derived from the idempotency key when the
 * caller gives one) and names the workflow `mcp-task-<callerScope>-<digest of the taskId>`: any replica, and a
 * restarted server, finds the task by its id, and only inside its caller's scope, so another identity (or a guessed id)
 * finds nothing. The id itself is a capability, and workflow ids reach trace spans (the SDK's client interceptor) and
 * the Web UI, so they carry its digest only. Status, progress and result are read from Temporal (describe, the
 * progress Query, the result); cancelling a task cancels its workflow. Nothing about a task lives in the server process.
 */
import { randomBytes } from 'node:crypto';
import {
  isGrpcServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowExecutionDescription,
  type WorkflowHandle,
} from '@temporalio/client';
import { optionalTsToDate } from '@temporalio/common/lib/time';
import { callerScope, idDigest, type CallerIdentity } from '../../../shared/caller-scope';
import { taskProgressQuery, type TaskProgress } from '../../../shared/tools/task-progress';
import { keyedRepeat, toolRunRecord } from '../../../shared/tools/workflow-runner';
import { checkCallerLimit, type CallerLimit } from '../../../shared/temporal/caller-limits';
import type { McpCallerLimits } from '../../../shared/config';

export const TASK_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** 132 bits of SHA-256 of the task id, domain-separated: what stands for a task wherever its id would be seen. */
export function taskIdDigest(taskId: string): string {
  return idDigest('mcp-task-id', taskId);
}

export function taskWorkflowId(taskId: string, owner?: string): string {
  return `${taskIdPrefix(owner)}${taskIdDigest(taskId)}`;
}

/** What every task workflow id of this caller starts with (legacy ids too): how their running tasks are counted. */
export function taskIdPrefix(owner?: string): string {
  return `mcp-task-${callerScope(owner)}-`;
}

/**
 * The id servers before this release gave a task's workflow: the raw task id. Tasks started there stay reachable
 * (looked up when the digest id names nothing, and attached to by keyed repeats) until their TTL, one day, is over.
 * One TTL after this release the fallback can go: this, DIGEST_ID_MARK, legacyKeyedTask, legacyStartTime and the
 * legacy branch of find.
 */
export function legacyTaskWorkflowId(taskId: string, owner?: string): string {
  return `mcp-task-${callerScope(owner)}-${taskId}`;
}

/**
 * Memo mark of a workflow named by the digest. Legacy and digest ids have the same shape, and a digest is no secret
 * (it is in spans): the legacy lookup refuses a marked workflow, so presenting a digest as a task id finds nothing.
 */
const DIGEST_ID_MARK = 'mcpTaskIdDigest';

/** 132 bits of SHA-256 of (caller scope, tool, key): a retried keyed call names the same task, in its caller's scope only. */
export function keyedTaskId(tool: string, caller: string | undefined, key: string): string {
  return idDigest('task', `${callerScope(caller)}:${tool}:${key}`);
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
  /** Per-caller bounds on running tasks, and on running tasks of long-running tools; default: none. */
  limits?: { tasks?: CallerLimit; longRunning?: CallerLimit };
  /** How long a long-running tool's call answered within the call may wait for its task; default 15 minutes. */
  maxSyncWaitMs?: number;
}

/** The task options a server's configured limits give. */
export function taskLimits(limits: McpCallerLimits): Pick<TaskWorkflowsOptions, 'limits' | 'maxSyncWaitMs'> {
  return { limits: { tasks: limits.tasks, longRunning: limits.longRunning }, maxSyncWaitMs: limits.syncWaitMs };
}

/** How a task is started: `longRunning` for tools with `taskMode: 'always'`, which count against their own bound too. */
export interface TaskStartOptions {
  longRunning?: boolean;
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
  readonly maxSyncWaitMs: number;
  /** The workflow types of long-running tools this server offers: what the long-running bound counts. */
  private readonly longRunningTypes = new Set<string>();

  constructor(private readonly opts: TaskWorkflowsOptions) {
    this.ttlMs = opts.ttlMs ?? 86_400_000;
    this.pollIntervalMs = opts.pollIntervalMs ?? 1000;
    this.inlineWaitMs = opts.inlineWaitMs ?? 1000;
    this.maxSyncWaitMs = opts.maxSyncWaitMs ?? 900_000;
  }

  /**
   * Names a long-running tool's workflow type, at registration (bounded by the tool definitions): a caller's running
   * tasks of every such type count against one bound.
   */
  declareLongRunning(workflowType: string): void {
    this.longRunningTypes.add(workflowType);
  }

  /** Refuses a new task past the caller's bounds; `exists` says whether the start names a task already there. */
  private async checkLimits(
    workflowType: string,
    caller: string | undefined,
    longRunning: boolean,
    exists?: () => Promise<boolean>,
  ): Promise<void> {
    const { client, taskQueue, limits } = this.opts;
    const idPrefix = taskIdPrefix(caller);
    if (longRunning && limits?.longRunning) {
      this.declareLongRunning(workflowType);
      await checkCallerLimit(
        client,
        limits.longRunning,
        { taskQueue, idPrefix, workflowTypes: [...this.longRunningTypes] },
        exists,
      );
    }
    await checkCallerLimit(client, limits?.tasks, { taskQueue, idPrefix }, exists);
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
    { longRunning = false }: TaskStartOptions = {},
  ): Promise<StartedTask> {
    const taskId = idempotencyKey
      ? keyedTaskId(tool, who.caller, idempotencyKey)
      : randomBytes(16).toString('base64url');
    if (idempotencyKey) {
      // The key's first call may have reached a server before this release, which named the task by its raw id: a
      // start under the digest id would run the work a second time.
      const legacy = await this.legacyKeyedTask(taskId, tool, args, who.caller, idempotencyKey);
      if (legacy) return legacy;
    }
    const workflowId = taskWorkflowId(taskId, who.caller);
    // A keyed repeat names the task its first call started: that starts nothing new, so it passes at the bound.
    await this.checkLimits(
      workflowType,
      who.caller,
      longRunning,
      idempotencyKey ? async () => (await this.described(workflowId)) !== undefined : undefined,
    );
    const record = toolRunRecord(tool, args, who);
    try {
      const handle = await this.opts.client.workflow.start(workflowType, {
        taskQueue: this.opts.taskQueue,
        workflowId,
        args: args === undefined ? [] : [args],
        workflowExecutionTimeout: this.ttlMs,
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        memo: { ...record.memo, mcpTask: true, [DIGEST_ID_MARK]: true },
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

  /**
   * The task a keyed call started under its legacy id, while within its TTL. Past it the key starts a new task, as it
   * will once the legacy lookup is gone.
   */
  private async legacyKeyedTask(
    taskId: string,
    tool: string,
    args: unknown,
    caller: string | undefined,
    idempotencyKey: string,
  ): Promise<StartedTask | undefined> {
    const workflowId = legacyTaskWorkflowId(taskId, caller);
    const startTime = await this.legacyStartTime(workflowId);
    if (!startTime || Date.now() > startTime.getTime() + this.ttlMs) return undefined;
    const { handle } = await keyedRepeat(this.opts.client, workflowId, tool, args, idempotencyKey);
    return { taskId, handle, createdAt: startTime };
  }

  /**
   * When the workflow under a legacy id started, or undefined: there is none. Asked of the service itself, past the
   * client's interceptors, so a raw task id that names nothing (unknown, another caller's, a key never used before this
   * release) reaches no span; the spans of a legacy task that does exist carried its id from its start anyway.
   */
  private async legacyStartTime(workflowId: string): Promise<Date | undefined> {
    const { client } = this.opts;
    try {
      const { workflowExecutionInfo } = await client.workflowService.describeWorkflowExecution({
        namespace: client.options.namespace,
        execution: { workflowId },
      });
      return optionalTsToDate(workflowExecutionInfo?.startTime);
    } catch (err) {
      if (isGrpcServiceError(err) && err.code === 5 /* NOT_FOUND */) return undefined;
      throw err;
    }
  }

  private async described(
    workflowId: string,
  ): Promise<{ handle: WorkflowHandle; described: WorkflowExecutionDescription } | undefined> {
    const handle = this.opts.client.workflow.getHandle(workflowId);
    try {
      return { handle, described: await handle.describe() };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  /** A task of this release under its digest id, else one an older server started under the raw id. */
  private async find(taskId: string, owner?: string) {
    if (!TASK_ID_PATTERN.test(taskId)) throw new TaskNotFound(taskId);
    let found = await this.described(taskWorkflowId(taskId, owner));
    if (!found) {
      const legacyId = legacyTaskWorkflowId(taskId, owner);
      found = (await this.legacyStartTime(legacyId)) ? await this.described(legacyId) : undefined;
      if (found?.described.memo?.[DIGEST_ID_MARK] === true) found = undefined;
    }
    const tool = found?.described.memo?.mcpTask === true ? found.described.memo.tool : undefined;
    if (!found || typeof tool !== 'string') throw new TaskNotFound(taskId);
    if (Date.now() > found.described.startTime.getTime() + this.ttlMs) throw new TaskNotFound(taskId, true);
    return { ...found, tool };
  }

  /** The task as Temporal has it now. Throws TaskNotFound for an id that names no task of this caller, or an expired one. */
  async state(taskId: string, owner?: string): Promise<TaskState> {
    const { handle, described, tool } = await this.find(taskId, owner);
    const createdAt = described.startTime;
    const lastUpdatedAt = described.closeTime ?? createdAt;
    switch (described.status.name) {
      case 'RUNNING':
      case 'CONTINUED_AS_NEW': {
        // Tools without progress (quick ones) answer no Query: they are simply working.
        const progress = await this.progress(handle);
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
    const { handle, described } = await this.find(taskId, owner);
    if (described.status.name !== 'RUNNING' && described.status.name !== 'CONTINUED_AS_NEW') return;
    try {
      await handle.cancel();
    } catch (err) {
      // Ended between the read and the request: nothing left to cancel.
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }
}
