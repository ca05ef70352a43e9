/**
 * Starting, finding and answering the durable pending call of a tool call that needs approval
 * (./pending-approval-workflow.ts). Its id is unguessable (128 random bits) and lives in the caller's scope
 * (`approval-<callerScope>-<random>`), like every id a caller can name: a state naming another caller's pending call
 * is refused before Temporal is asked, and the workflow's own record of its caller is checked too.
 */
import { randomBytes } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { callerScope, type CallerIdentity } from '../caller-scope';
import { checkCallerLimit, type CallerLimit } from '../temporal/caller-limits';
import {
  answerApprovalUpdate,
  approvalDecisionQuery,
  type ApprovalAnswer,
  type ApprovalDecision,
  type PendingApprovalInput,
} from './pending-approval-workflow';
import type { pendingApprovalWorkflow } from './pending-approval-workflow';

export type { ApprovalAnswer, ApprovalDecision } from './pending-approval-workflow';

/** What a pending call is about, as the workflow recorded it at start (its memo), and its decision so far. */
export interface PendingApproval {
  id: string;
  caller?: string;
  tool: string;
  argumentsDigest: string;
  /** Undefined while it waits. */
  decision?: ApprovalDecision;
}

/** Why a named pending call cannot be resumed by this caller. The message says what is wrong, never whose it is. */
export class PendingApprovalRefused extends Error {
  override name = 'PendingApprovalRefused';
}

export interface PendingApprovalsOptions {
  client: Client;
  /** A task queue whose worker registers pendingApprovalWorkflow (the finance and IT workers do). */
  taskQueue: string;
  /** TOOL_APPROVAL_EXPIRY_MS: how long a question waits before it declines itself. */
  expiryMs: number;
  /** Questions one caller may have waiting (MCP_MAX_PENDING_APPROVALS_PER_CALLER); absent: no bound. */
  limit?: CallerLimit;
}

const ID_PREFIX = 'approval-';

export function pendingApprovalIdPrefix(caller: string | undefined): string {
  return `${ID_PREFIX}${callerScope(caller)}-`;
}

export class PendingApprovals {
  constructor(readonly opts: PendingApprovalsOptions) {}

  /**
   * Starts the pending call of one tool call; returns its id. Each waits up to its expiry, so a caller's waiting
   * questions are bounded (CallerLimitReached past the bound): a client that asks again and again without answering
   * cannot pile them up.
   */
  async start({ caller }: CallerIdentity, call: Omit<PendingApprovalInput, 'caller' | 'expiresInMs'>): Promise<string> {
    await checkCallerLimit(this.opts.client, this.opts.limit, {
      taskQueue: this.opts.taskQueue,
      idPrefix: pendingApprovalIdPrefix(caller),
      workflowTypes: ['pendingApprovalWorkflow'],
    });
    const id = `${pendingApprovalIdPrefix(caller)}${randomBytes(16).toString('hex')}`;
    const input: PendingApprovalInput = { ...call, ...(caller ? { caller } : {}), expiresInMs: this.opts.expiryMs };
    await this.opts.client.workflow.start<typeof pendingApprovalWorkflow>('pendingApprovalWorkflow', {
      taskQueue: this.opts.taskQueue,
      workflowId: id,
      args: [input],
      // Past its expiry it has decided; the margin only bounds a workflow no worker ever ran.
      workflowExecutionTimeout: this.opts.expiryMs + 3_600_000,
      memo: { tool: call.tool, argumentsDigest: call.argumentsDigest, caller: caller ?? null },
      staticSummary: `approval of ${call.tool}${caller ? ` by ${caller}` : ''}`,
    });
    return id;
  }

  /**
   * The pending call `id` names, if it is this caller's and has not expired. Refused (PendingApprovalRefused): an id
   * outside the caller's scope, one Temporal does not know, one recorded for another caller, or an expired one.
   */
  async find(id: string, { caller }: CallerIdentity): Promise<PendingApproval> {
    if (!id.startsWith(pendingApprovalIdPrefix(caller)) || !/^[0-9a-f]{32}$/.test(id.slice(-32))) {
      throw new PendingApprovalRefused('the requestState names no pending approval of this caller');
    }
    const handle = this.opts.client.workflow.getHandle(id);
    let described;
    try {
      described = await handle.describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        throw new PendingApprovalRefused('the requestState names no pending approval of this caller');
      }
      throw err;
    }
    const memo = described.memo ?? {};
    if ((memo.caller ?? undefined) !== caller || typeof memo.tool !== 'string') {
      throw new PendingApprovalRefused('the requestState names no pending approval of this caller');
    }
    let decision: ApprovalDecision | undefined;
    if (described.status.name === 'RUNNING') {
      decision = (await handle.query(approvalDecisionQuery)) ?? undefined;
    } else if (described.status.name === 'COMPLETED') {
      decision = (await handle.result()) as ApprovalDecision;
    } else {
      throw new PendingApprovalRefused(`the pending approval ended without a decision (${described.status.name})`);
    }
    if (decision?.decision === 'expired') {
      throw new PendingApprovalRefused(
        `the pending approval expired at ${decision.at}; call the tool again to be asked anew`,
      );
    }
    return {
      id,
      ...(typeof memo.caller === 'string' ? { caller: memo.caller } : {}),
      tool: memo.tool,
      argumentsDigest: String(memo.argumentsDigest),
      ...(decision ? { decision } : {}),
    };
  }

  /** Answers the pending call; once it has decided, any answer gets that first decision back. */
  async answer(id: string, answer: ApprovalAnswer): Promise<ApprovalDecision> {
    const handle = this.opts.client.workflow.getHandle(id);
    try {
      return await handle.executeUpdate(answerApprovalUpdate, { args: [answer] });
    } catch (err) {
      // Decided and closed (by an earlier answer or its expiry): its result is the decision.
      const { status } = await handle.describe();
      if (status.name === 'COMPLETED') return (await handle.result()) as ApprovalDecision;
      throw err;
    }
  }
}
