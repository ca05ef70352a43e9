/**
 * Runs one tool call as one short workflow (finance tools, IT lookups). An idempotency key from the caller becomes
 * the workflow id, so a repeated call attaches to (or returns the result of) the execution the first call started.
 */
import { randomUUID, createHash } from 'node:crypto';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { subjectOf } from '../transports/auth';

export const IDEMPOTENCY_META_KEY = 'idempotencyKey';
/** An agent acting for a person names them here; recorded beside the authenticated caller, never trusted as one. */
export const ON_BEHALF_OF_META_KEY = 'onBehalfOf';

export function onBehalfOfFrom(meta: Record<string, unknown> | undefined): string | undefined {
  const value = meta?.[ON_BEHALF_OF_META_KEY];
  return typeof value === 'string' && /^[\x21-\x7e]{1,128}$/.test(value) ? value : undefined;
}

/** Who asked for a tool call: the token's subject, and the person an agent said it acts for. */
export interface CallerIdentity {
  caller?: string;
  onBehalfOf?: string;
}

/** The identity of the request a tool handler serves (its `extra`). */
export function callerOf(extra: { authInfo?: AuthInfo; _meta?: Record<string, unknown> }): CallerIdentity {
  return { caller: subjectOf(extra.authInfo), onBehalfOf: onBehalfOfFrom(extra._meta) };
}

const MAX_KEY_LENGTH = 200;

export class IdempotencyConflict extends Error {
  override name = 'IdempotencyConflict';
}

export interface ToolWorkflowRunnerOptions {
  client: Client;
  taskQueue: string;
  /** Bounds the whole workflow, so a call never hangs when no worker is running. */
  timeoutMs: number;
}

export function argumentsDigest(args: unknown): string {
  return createHash('sha256').update(JSON.stringify(args)).digest('hex').slice(0, 32);
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

export class ToolWorkflowRunner {
  constructor(private readonly opts: ToolWorkflowRunnerOptions) {}

  /**
   * Workflow ids read well in the Web UI: `stock_price-<key>` or `stock_price-<uuid>`. Who called is recorded in the
   * workflow's memo and summary.
   */
  async run<R>(toolName: string, workflowType: string, args: object, idempotencyKey?: string, who: CallerIdentity = {}): Promise<R> {
    const { caller, onBehalfOf } = who;
    const { client } = this.opts;
    const workflowId = `${toolName}-${idempotencyKey ?? randomUUID()}`;
    const digest = argumentsDigest(args);
    try {
      const handle = await client.workflow.start(workflowType, {
        taskQueue: this.opts.taskQueue,
        workflowId,
        args: [args],
        workflowExecutionTimeout: this.opts.timeoutMs,
        // A key names one execution forever (within retention): a closed one is not started again.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        memo: { tool: toolName, argumentsDigest: digest, caller: caller ?? null, onBehalfOf: onBehalfOf ?? null },
        staticSummary: `${toolName} ${JSON.stringify(args).slice(0, 200)}${caller ? ` by ${caller}` : ''}${onBehalfOf ? ` for ${onBehalfOf}` : ''}`,
      });
      return (await handle.result()) as R;
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError) || !idempotencyKey) throw err;
      const existing = client.workflow.getHandle(workflowId);
      const { memo } = await existing.describe();
      if (memo?.argumentsDigest !== digest) {
        throw new IdempotencyConflict(
          `idempotency key ${JSON.stringify(idempotencyKey)} was already used for ${toolName} with different arguments`,
        );
      }
      return (await existing.result()) as R;
    }
  }
}
