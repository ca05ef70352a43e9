/**
 * A durable pending call: one workflow per tool call that waits for a person's approval (issue 27.4). It holds what
 * the question was about (tool, arguments digest, caller) and waits for one `answerApproval` Update or its expiry,
 * then returns its decision; the `approvalDecision` Query reads it meanwhile. Whoever asked (any MCP server replica,
 * a restarted one) finds it again by its id: nothing about the question lives in a server's memory.
 *
 * Workflow code (bundled into the finance and IT workers): deterministic, time only from the workflow clock.
 */
import { allHandlersFinished, condition, defineQuery, defineUpdate, setHandler } from '@temporalio/workflow';

export interface PendingApprovalInput {
  /** The authenticated subject that made the call; absent for the anonymous caller. */
  caller?: string;
  tool: string;
  /** shared/tools/workflow-runner.ts argumentsDigest of the call's arguments: the retry must carry the same. */
  argumentsDigest: string;
  /** What the person was asked. */
  question: string;
  expiresInMs: number;
}

export interface ApprovalAnswer {
  action: 'accept' | 'decline' | 'cancel';
  /** Who answered (the caller that relayed the answer). */
  by?: string;
  reason?: string;
}

export interface ApprovalDecision {
  decision: 'accepted' | 'declined' | 'cancelled' | 'expired';
  by?: string;
  reason?: string;
  /** ISO time of the decision, by the workflow clock. */
  at: string;
}

export const MAX_APPROVAL_REASON = 500;

/** Answers the pending call; a later answer gets the first decision back. */
export const answerApprovalUpdate = defineUpdate<ApprovalDecision, [ApprovalAnswer]>('answerApproval');
/** The decision so far; null while it waits. */
export const approvalDecisionQuery = defineQuery<ApprovalDecision | null>('approvalDecision');

const DECIDED = { accept: 'accepted', decline: 'declined', cancel: 'cancelled' } as const;

export async function pendingApprovalWorkflow(input: PendingApprovalInput): Promise<ApprovalDecision> {
  let decision: ApprovalDecision | undefined;
  setHandler(
    answerApprovalUpdate,
    ({ action, by, reason }) => {
      decision ??= {
        decision: DECIDED[action],
        ...(by ? { by } : {}),
        ...(reason ? { reason } : {}),
        at: new Date().toISOString(),
      };
      return decision;
    },
    {
      // A malformed answer is refused before it reaches history.
      validator: ({ action, by, reason }) => {
        if (!Object.hasOwn(DECIDED, action))
          throw new Error(`action must be accept, decline or cancel, not ${String(action)}`);
        if (by !== undefined && (typeof by !== 'string' || by.length > 256))
          throw new Error('by: at most 256 characters');
        if (reason !== undefined && (typeof reason !== 'string' || reason.length > MAX_APPROVAL_REASON))
          throw new Error(`reason: at most ${MAX_APPROVAL_REASON} characters`);
      },
    },
  );
  setHandler(approvalDecisionQuery, () => decision ?? null);
  const answered = await condition(() => decision !== undefined, input.expiresInMs);
  if (!answered) decision ??= { decision: 'expired', at: new Date().toISOString() };
  await condition(allHandlersFinished);
  return decision!;
}
