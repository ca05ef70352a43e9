/**
 * A person's approval of a tool call, inside a conversation workflow: the turn asks (`ask`), the question waits in the
 * conversation's state (shown by the `transcript` Query and returned by the turn's Update), and the `answerApproval`
 * Update or the expiry decides it. The wait is the workflow's own: it survives worker crashes and Temporal restarts,
 * and the answer may come hours later from another chat process. Every decision goes into the transcript with who and
 * when. Workflow code: the clock and the timer are Temporal's.
 */
import { condition } from '@temporalio/workflow';
import type {
  ApprovalAnswer,
  ApprovalDecision,
  ApprovalQuestion,
  ConversationState,
  ToolDomain,
} from './contract/conversation';
import { now, type Transcript } from './transcript';

/** How long a question waits when the conversation's input does not say (APPROVAL_EXPIRY_MS). */
export const DEFAULT_APPROVAL_EXPIRY_MS = 86_400_000;

export interface ApprovalRequest {
  tool: string;
  server: ToolDomain | 'local';
  arguments: Record<string, unknown>;
  why: string;
}

/** What the asker gets back: the decision, and who made it. */
export type ApprovalOutcome = ApprovalDecision & { approved: boolean };

export class Approvals {
  /** Answers given but not yet taken up by their askers (by question id). */
  private readonly answers = new Map<string, ApprovalDecision>();

  constructor(
    private readonly state: Pick<ConversationState, 'pendingApprovals' | 'approvalsAsked' | 'turns'>,
    private readonly transcript: Transcript,
    private readonly expiryMs: number = DEFAULT_APPROVAL_EXPIRY_MS,
    /** Who answers when an answer names nobody: the conversation's user. */
    private readonly defaultAnswerer?: string,
  ) {}

  /** The questions waiting now, oldest first. */
  get pending(): ApprovalQuestion[] {
    return this.state.pendingApprovals ?? [];
  }

  /** Asks, and waits for the answer or the expiry; the question is in `pending` meanwhile. */
  async ask(request: ApprovalRequest): Promise<ApprovalOutcome> {
    const asked = (this.state.approvalsAsked ?? 0) + 1;
    this.state.approvalsAsked = asked;
    const askedAt = Date.now();
    const question: ApprovalQuestion = {
      id: `approval-${asked}`,
      ...request,
      askedAt: new Date(askedAt).toISOString(),
      expiresAt: new Date(askedAt + this.expiryMs).toISOString(),
    };
    this.state.pendingApprovals = [...this.pending, question];
    const answered = await condition(() => this.answers.has(question.id), this.expiryMs);
    this.state.pendingApprovals = this.pending.filter((q) => q.id !== question.id);
    const decision: ApprovalDecision = answered
      ? this.answers.get(question.id)!
      : {
          decision: 'expired',
          reason: `nobody answered within ${Math.round(this.expiryMs / 60_000)} minute(s)`,
          at: now(),
        };
    this.answers.delete(question.id);
    this.transcript.add({ kind: 'approval', turn: this.state.turns, ...question, ...decision });
    return { ...decision, approved: decision.decision === 'approved' };
  }

  /** An answer was given and its asker has not taken it up yet. */
  answered(id: string): boolean {
    return this.answers.has(id);
  }

  /** Why an answer cannot be taken (for the Update's validator): undefined when it can. */
  refusal(answer: Partial<ApprovalAnswer> | undefined): string | undefined {
    if (!answer || typeof answer.id !== 'string') return 'id must name a pending approval';
    if (typeof answer.approved !== 'boolean') return 'approved must be true or false';
    if (answer.reason !== undefined && (typeof answer.reason !== 'string' || answer.reason.length > 1000))
      return 'reason must be a string of at most 1000 characters';
    if (!this.pending.some((q) => q.id === answer.id) || this.answers.has(answer.id)) {
      const waiting = this.pending.map((q) => q.id).join(', ');
      return `no approval ${JSON.stringify(answer.id)} is pending (answered, expired or unknown)${waiting ? `; pending: ${waiting}` : ''}`;
    }
    return undefined;
  }

  answer({ id, approved, reason }: ApprovalAnswer, by: string | undefined): void {
    const who = by ?? this.defaultAnswerer;
    this.answers.set(id, {
      decision: approved ? 'approved' : 'rejected',
      ...(who ? { by: who } : {}),
      ...(reason?.trim() ? { reason: reason.trim() } : {}),
      at: now(),
    });
  }
}

/** The text the model reads for a call the person did not approve: nothing ran. */
export function notApprovedText(tool: string, outcome: ApprovalOutcome): string {
  const who = outcome.by ? ` by ${outcome.by}` : '';
  const why = outcome.reason ? `: ${outcome.reason}` : '';
  return outcome.decision === 'expired'
    ? `Error: ${tool} was not run: the approval it needed expired (${outcome.reason}). Nothing was done.`
    : `Error: ${tool} was not run: the user rejected it${who}${why}. Nothing was done.`;
}

/** The question as the chat puts it: `Approve create_jira_issue {"summary":"…"}?` */
export function describeQuestion(q: Pick<ApprovalQuestion, 'tool' | 'arguments'>): string {
  const args = JSON.stringify(q.arguments);
  return `Approve ${q.tool} ${args.length > 300 ? `${args.slice(0, 300)}…` : args}?`;
}

/** `y` or `yes` approves; anything else rejects. Words after the first are the reason. */
export function parseApprovalAnswer(line: string): { approved: boolean; reason?: string } {
  const match = /^\s*(\S+)[\s,:;-]*(.*)$/s.exec(line);
  const word = (match?.[1] ?? '').toLowerCase().replace(/[.,!:;]+$/, '');
  const reason = (match?.[2] ?? '').trim();
  return { approved: word === 'y' || word === 'yes', ...(reason ? { reason: reason.slice(0, 1000) } : {}) };
}
