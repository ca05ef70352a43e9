/**
 * Runs one tool call as one short workflow (finance tools, IT lookups). An idempotency key from the caller names the
 * workflow inside the caller's scope (`<tool>-<callerScope>-<keyDigest>`), so a repeated call by the same caller
 * attaches to (or returns the result of) the execution its first call started, and no other caller can reach, claim or
 * learn of it. Keys are client-chosen and may mean something to the client, so only their digest reaches Temporal (and
 * with it every log line that names a workflow).
 */
import { randomUUID, createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { WorkflowRef } from '../../shared/tools/definition';
import { callerScope, type CallerIdentity } from '../caller-scope';

export const IDEMPOTENCY_META_KEY = 'idempotencyKey';

const MAX_KEY_LENGTH = 200;

export class IdempotencyConflict extends Error {
  override name = 'IdempotencyConflict';
}

export interface ToolWorkflowRunnerOptions {
  client: Client;
  taskQueue: string;
  /** Bounds the whole workflow, so a call never hangs when no worker is running. */
  timeoutMs: number;
  /**
   * The client shares its connection with a worker in this process (`--with-worker`): ask the server to hand the
   * first workflow task back in the start response, to that worker, instead of through a task queue poll.
   */
  eagerStart?: boolean;
}

export function argumentsDigest(args: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(args ?? {}))
    .digest('hex')
    .slice(0, 32);
}

export function validateIdempotencyKey(key: unknown): string | undefined {
  if (key === undefined || key === null) return undefined;
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key)) {
    throw new IdempotencyConflict(
      `_meta.${IDEMPOTENCY_META_KEY} must be a string of 1 to ${MAX_KEY_LENGTH} visible ASCII characters`,
    );
  }
  return key;
}

/** What stands for a client's key wherever it is stored or logged: 128 bits of its SHA-256. */
export function keyDigest(idempotencyKey: string): string {
  return createHash('sha256').update(`key:${idempotencyKey}`).digest('hex').slice(0, 32);
}

/** The workflow id of a keyed call: the key only ever names an execution inside its caller's scope. */
export function keyedWorkflowId(toolName: string, caller: string | undefined, idempotencyKey: string): string {
  return `${keyedWorkflowIdPrefix(toolName, caller)}${keyDigest(idempotencyKey)}`;
}

/** What every keyed workflow id of this tool and caller starts with: how their running calls are counted. */
export function keyedWorkflowIdPrefix(toolName: string, caller: string | undefined): string {
  return `${toolName}-${callerScope(caller)}-`;
}

/**
 * What a tool's workflow records about its call, for the Web UI and for idempotency checks: the tool, a digest of the
 * arguments, who called and for whom. The same on every path that starts one (MCP, Nexus).
 */
export function toolRunRecord(toolName: string, args: unknown, { caller, onBehalfOf }: CallerIdentity) {
  return {
    memo: {
      tool: toolName,
      argumentsDigest: argumentsDigest(args),
      caller: caller ?? null,
      onBehalfOf: onBehalfOf ?? null,
    },
    staticSummary: `${toolName} ${JSON.stringify(args ?? {}).slice(0, 200)}${caller ? ` by ${caller}` : ''}${onBehalfOf ? ` for ${onBehalfOf}` : ''}`,
  };
}

/**
 * The execution a repeated keyed call names, when its first call had these arguments; an IdempotencyConflict when it
 * had others. For every path that starts keyed tool workflows (calls, MCP tasks).
 */
export async function keyedRepeat(
  client: Client,
  workflowId: string,
  toolName: string,
  args: unknown,
  idempotencyKey: string,
): Promise<{ handle: WorkflowHandle; startTime: Date }> {
  const handle = client.workflow.getHandle(workflowId);
  const { memo, startTime } = await handle.describe();
  if (memo?.argumentsDigest !== argumentsDigest(args)) {
    throw new IdempotencyConflict(
      `idempotency key ${JSON.stringify(idempotencyKey)} was already used for ${toolName} with different arguments`,
    );
  }
  return { handle, startTime };
}

export class ToolWorkflowRunner {
  constructor(private readonly opts: ToolWorkflowRunnerOptions) {}

  /**
   * Workflow ids read well in the Web UI: `stock_price-<scope>-<key>` or `stock_price-<uuid>`. Who called is recorded
   * in the workflow's memo and summary.
   */
  async run<W extends (input: any) => Promise<unknown>>(
    toolName: string,
    workflow: WorkflowRef<W>,
    args: Parameters<W>[0],
    idempotencyKey?: string,
    who: CallerIdentity = {},
  ): Promise<Awaited<ReturnType<W>>> {
    const { client } = this.opts;
    const workflowId = idempotencyKey
      ? keyedWorkflowId(toolName, who.caller, idempotencyKey)
      : `${toolName}-${randomUUID()}`;
    try {
      // By the workflow's type name; the reference's type says it exists and takes these arguments.
      const handle = await client.workflow.start<W>(workflow.type, {
        taskQueue: this.opts.taskQueue,
        workflowId,
        args: (args === undefined ? [] : [args]) as Parameters<W>,
        workflowExecutionTimeout: this.opts.timeoutMs,
        ...(this.opts.eagerStart ? { requestEagerStart: true } : {}),
        // A key names one execution forever (within retention): a closed one is not started again.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        ...toolRunRecord(toolName, args, who),
      });
      return (await handle.result()) as Awaited<ReturnType<W>>;
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError) || !idempotencyKey) throw err;
      const { handle } = await keyedRepeat(client, workflowId, toolName, args, idempotencyKey);
      return (await handle.result()) as Awaited<ReturnType<W>>;
    }
  }
}
