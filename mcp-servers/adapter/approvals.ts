/**
 * The approval policy of an MCP server instance (shared/tools/approval.ts), checked by every path that runs a tool
 * call on it: the plain tools/call handler (tool-registration.ts) and the tasks extension. A server given no policy
 * follows the tools' own defaults, so a tool that needs approval by default is never run unasked.
 *
 * A call that needs approval, from a client that can be asked (it declared elicitation), asks (issue 27.4):
 * - 2026-07-28: the call answers an InputRequiredResult with a confirm form (`inputRequests.approval`) and a
 *   `requestState` naming a durable pending call (shared/tools/pending-approval.ts). The retry carries the state and
 *   the answer; the state is checked against Temporal, not this process's memory, so any replica, or this one
 *   restarted, resumes it. Accepted: the call runs once, keyed by the pending call. Declined or cancelled: a tool error.
 * - 2025-era connections that declared elicitation at initialize (stdio; an HTTP session, whose instance the transport
 *   keeps until the answer is posted back: mcp-servers/transports/legacy-questions.ts): `elicitation/create` on the
 *   connection, within the call; the same durable pending call records the question and the answer.
 * - A client that cannot be asked (no elicitation; a 2025-era session on a replica that did not see its initialize;
 *   a task-augmented call): the tool error naming the policy. Never run silently.
 */
import {
  CLIENT_CAPABILITIES_META_KEY,
  inputResponse,
  PROTOCOL_VERSION_META_KEY,
  type CallToolResult,
  type ClientCapabilities,
  type InputRequiredResult,
  type McpServer,
  type McpServerOptions,
  type ServerContext,
} from '@modelcontextprotocol/server';
import {
  APPROVAL_META_KEY,
  approvalRefusal,
  DEFAULT_APPROVAL_POLICY,
  needsApproval,
  type ApprovalDefault,
  type ApprovalPolicy,
} from '../../shared/tools/approval';
import {
  PendingApprovalRefused,
  type ApprovalAnswer,
  type ApprovalDecision,
  type PendingApproval,
  type PendingApprovals,
} from '../../shared/tools/pending-approval';
import { MAX_APPROVAL_REASON } from '../../shared/tools/pending-approval-workflow';
import { argumentsDigest, IDEMPOTENCY_META_KEY } from '../../shared/tools/workflow-runner';
import { describeFailure } from '../../shared/temporal/failures';
import { callerOf } from './caller';
import type { CallerIdentity } from '../../shared/caller-scope';
import { toolError } from './tool-results';

/** Tool-error kinds (in the result's `_meta`) of a call refused for want of approval, or not approved. */
export const APPROVAL_REQUIRED = 'approval_required';
export const APPROVAL_DECLINED = 'approval_declined';
export const APPROVAL_MISMATCH = 'approval_mismatch';

/** The key of the confirm form in `inputRequests` / `inputResponses`. */
export const APPROVAL_INPUT_KEY = 'approval';

interface ServerApprovals {
  policy: ApprovalPolicy;
  /** Absent: this server cannot ask anyone, and refuses. */
  pending?: PendingApprovals;
  /**
   * 2025-era HTTP: what the session's client declared at its initialize, which this per-request instance never saw
   * (the transport remembers it, and keeps the instance's response stream open for the question).
   */
  sessionCapabilities?: ClientCapabilities;
}

const approvals = new WeakMap<McpServer, ServerApprovals>();

/** The server's policy; a server given none follows the tools' own defaults. */
const policyOf = (server: McpServer): ApprovalPolicy => approvals.get(server)?.policy ?? DEFAULT_APPROVAL_POLICY;

/** Sets the policy of a server instance, and how it asks; call it before the server takes calls. */
export function useApprovalPolicy(
  server: McpServer,
  policy: ApprovalPolicy | undefined,
  pending?: PendingApprovals,
  sessionCapabilities?: ClientCapabilities,
): void {
  approvals.set(server, {
    policy: policy ?? DEFAULT_APPROVAL_POLICY,
    ...(pending ? { pending } : {}),
    ...(sessionCapabilities ? { sessionCapabilities } : {}),
  });
}

/** The refusal for a call that needs approval this server cannot ask for; undefined when the call may run. */
export function approvalRefusalResult(
  server: McpServer,
  tool: { name: string; approval?: ApprovalDefault },
): CallToolResult | undefined {
  const policy = policyOf(server);
  return needsApproval(tool, policy) ? toolError(approvalRefusal(tool, policy), APPROVAL_REQUIRED) : undefined;
}

/** What `requestState` carries: only the pending call's id. Everything else is read back from Temporal. */
interface ApprovalState {
  v: 1;
  id: string;
}

export function encodeApprovalState(id: string): string {
  return Buffer.from(JSON.stringify({ v: 1, id } satisfies ApprovalState)).toString('base64url');
}

function decodeApprovalState(state: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(state, 'base64url').toString('utf8')) as Partial<ApprovalState>;
    if (parsed.v === 1 && typeof parsed.id === 'string' && parsed.id.length <= 200) return parsed.id;
  } catch {
    // not ours
  }
  throw new PendingApprovalRefused('the requestState is not one this server issued');
}

/** A state resumed: the pending call it names, or why Temporal could not be read (not the caller's fault). */
type VerifiedState = { pending: PendingApproval } | { unavailable: string };

/** Throws PendingApprovalRefused for a state this caller may not resume. */
async function resume(pending: PendingApprovals, state: string, ctx: ServerContext): Promise<VerifiedState> {
  const id = decodeApprovalState(state);
  try {
    return { pending: await pending.find(id, callerOf(ctx)) };
  } catch (err) {
    if (err instanceof PendingApprovalRefused) throw err;
    return { unavailable: describeFailure(err) };
  }
}

/**
 * The server options that make it check every echoed `requestState` before a handler runs: a state this server did
 * not issue, another caller's, an unknown or an expired one is answered by the SDK with -32602 "Invalid or expired
 * requestState" (the spec's MUST for state that fails verification; the reason is not told, so no caller learns of
 * another's pending calls). Nothing runs. The hook resolves nothing, so the handler reads the raw state (the tasks
 * extension re-enters the SDK's tools/call handler, which would refuse a decoded one) and resumes it again.
 */
export function approvalServerOptions(pending: PendingApprovals | undefined): Pick<McpServerOptions, 'requestState'> {
  if (!pending) return {};
  return {
    requestState: {
      verify: async (state: string, ctx: unknown): Promise<undefined> => {
        await resume(pending, state, ctx as ServerContext);
      },
    },
  };
}

function isModern(ctx: ServerContext): boolean {
  return ctx.mcpReq.envelope?.[PROTOCOL_VERSION_META_KEY as keyof typeof ctx.mcpReq.envelope] !== undefined;
}

/** Whether the client can answer a form elicitation: declared on the request (2026) or at its initialize (2025). */
function canBeAsked(declared: ClientCapabilities | undefined): boolean {
  const elicitation = declared?.elicitation as { form?: unknown; url?: unknown } | undefined;
  // `elicitation: {}` means form (the 2025-06-18 shape); only a URL-only client cannot show the form.
  return elicitation !== undefined && (elicitation.form !== undefined || elicitation.url === undefined);
}

const MAX_SHOWN_ARGUMENTS = 600;

function question(tool: string, args: unknown, policy: ApprovalPolicy, expiryMs: number): string {
  let shown = JSON.stringify(args ?? {});
  if (shown.length > MAX_SHOWN_ARGUMENTS) shown = `${shown.slice(0, MAX_SHOWN_ARGUMENTS)}…`;
  const why =
    policy.always.includes(tool) || policy.mode === 'always' ? "the server's approval policy" : "the tool's default";
  const minutes = Math.round(expiryMs / 60_000);
  const expires = minutes >= 120 ? `${Math.round(minutes / 60)} hours` : `${Math.max(minutes, 1)} minutes`;
  return (
    `Approve ${tool} ${shown}? It needs a person's approval (${why}); nothing runs until you approve. ` +
    `The question expires in ${expires}.`
  );
}

function form(message: string) {
  return {
    mode: 'form' as const,
    message,
    requestedSchema: {
      type: 'object' as const,
      properties: {
        approve: {
          type: 'boolean' as const,
          title: 'Approve this call',
          description: 'true runs it once; false declines it',
        },
        reason: { type: 'string' as const, title: 'Reason (optional)', maxLength: MAX_APPROVAL_REASON },
      },
      required: ['approve'],
    },
  };
}

function ask(message: string, id: string): InputRequiredResult {
  return {
    resultType: 'input_required',
    inputRequests: { [APPROVAL_INPUT_KEY]: { method: 'elicitation/create', params: form(message) } },
    requestState: encodeApprovalState(id),
  };
}

/** The client's answer to the form, if the retry carries one: accept counts only with `approve: true`. */
function answerOf(response: unknown, by: string): ApprovalAnswer | undefined {
  const view = inputResponse({ [APPROVAL_INPUT_KEY]: response }, APPROVAL_INPUT_KEY);
  if (view.kind !== 'elicit') return undefined;
  const reason = typeof view.content?.reason === 'string' ? view.content.reason.slice(0, MAX_APPROVAL_REASON) : '';
  const action = view.action === 'accept' ? (view.content?.approve === true ? 'accept' : 'decline') : view.action;
  return { action, by, ...(reason ? { reason } : {}) };
}

/** Who answered, as the pending call records it: the authenticated caller, and the person an agent said it acts for. */
function answeredBy({ caller, onBehalfOf }: CallerIdentity): string {
  return `${caller ?? 'anonymous'}${onBehalfOf ? ` for ${onBehalfOf}` : ''}`.slice(0, 256);
}

function notApproved(tool: string, decision: ApprovalDecision): CallToolResult {
  const because = decision.reason ? `: ${decision.reason}` : '';
  const what = {
    declined: `the user declined the approval${because}`,
    cancelled: `the user cancelled the approval question${because}`,
    expired: `the approval question expired at ${decision.at} unanswered`,
    accepted: '',
  }[decision.decision];
  return toolError(`${tool} was not run: ${what}. Nothing was done.`, APPROVAL_DECLINED);
}

export type ToolRun = (args: unknown, ctx: ServerContext) => CallToolResult | Promise<CallToolResult>;

/**
 * Runs a tool call through its approval: straight on when it needs none; otherwise asks (or resumes the asking), and
 * runs it only once accepted, under an idempotency key derived from the pending call unless the caller sent its own,
 * so a retried retry runs it once.
 */
export async function withApproval(
  server: McpServer,
  tool: { name: string; approval?: ApprovalDefault },
  args: unknown,
  ctx: ServerContext,
  run: ToolRun,
): Promise<CallToolResult | InputRequiredResult> {
  const { policy, pending, sessionCapabilities } = approvals.get(server) ?? { policy: DEFAULT_APPROVAL_POLICY };
  if (!needsApproval(tool, policy)) return run(args, ctx);
  const modern = isModern(ctx);
  const declared = modern
    ? (ctx.mcpReq.envelope?.[CLIENT_CAPABILITIES_META_KEY as keyof typeof ctx.mcpReq.envelope] as
        ClientCapabilities | undefined)
    : (server.server.getClientCapabilities() ?? sessionCapabilities);
  if (!pending || !canBeAsked(declared)) return toolError(approvalRefusal(tool, policy), APPROVAL_REQUIRED);
  const who = callerOf(ctx);
  const digest = argumentsDigest(args);
  const text = question(tool.name, args, policy, pending.opts.expiryMs);
  const approved = (id: string) => {
    const ownKey = ctx.mcpReq._meta?.[IDEMPOTENCY_META_KEY];
    const _meta =
      ownKey === undefined ? { ...ctx.mcpReq._meta, [IDEMPOTENCY_META_KEY]: `approved-${id}` } : ctx.mcpReq._meta;
    return run(args, { ...ctx, mcpReq: { ...ctx.mcpReq, _meta } } as ServerContext);
  };
  if (!modern) return askOnConnection(tool.name, text, digest, ctx, pending, approved);
  const raw = ctx.mcpReq.requestState<string>();
  if (raw === undefined) {
    try {
      return ask(text, await pending.start(who, { tool: tool.name, argumentsDigest: digest, question: text }));
    } catch (err) {
      return toolError(
        `${tool.name} was not run: its approval question could not be recorded: ${describeFailure(err)}`,
      );
    }
  }
  let state: VerifiedState;
  try {
    state = await resume(pending, raw, ctx);
  } catch (err) {
    // The verify hook refused it already; here only if it expired in between.
    return toolError(`${tool.name} was not run: ${(err as Error).message}. Nothing was done.`);
  }
  if ('unavailable' in state) {
    return toolError(`${tool.name} was not run: its pending approval could not be read (${state.unavailable}); retry`);
  }
  const { tool: askedTool, argumentsDigest: askedDigest } = state.pending;
  if (askedTool !== tool.name || askedDigest !== digest) {
    return toolError(
      `${tool.name} was not run: the approval was asked for ${askedTool} with other arguments, and a call's arguments ` +
        'cannot change between the question and the answer. Nothing was done. Call it again without requestState to ' +
        'be asked about these arguments.',
      APPROVAL_MISMATCH,
    );
  }
  const { id } = state.pending;
  let decision = state.pending.decision;
  if (!decision) {
    const answer = answerOf(ctx.mcpReq.inputResponses?.[APPROVAL_INPUT_KEY], answeredBy(who));
    // No answer to the form yet: the same question again, on the same pending call.
    if (!answer) return ask(text, id);
    try {
      decision = await pending.answer(id, answer);
    } catch (err) {
      return toolError(`${tool.name} was not run: its approval could not be recorded (${describeFailure(err)}); retry`);
    }
  }
  return decision.decision === 'accepted' ? approved(id) : notApproved(tool.name, decision);
}

/** How long a 2025-era connection waits for its answer (the SDK's legacy shim waits as long). */
const CONNECTION_ANSWER_MS = 600_000;

/**
 * 2025-era: `elicitation/create` on the connection, within the call; the pending call records question and answer
 * (the audit trail), and an unanswered question (timeout, a closed connection) is recorded as cancelled.
 */
async function askOnConnection(
  toolName: string,
  text: string,
  digest: string,
  ctx: ServerContext,
  pending: PendingApprovals,
  approved: (id: string) => Promise<CallToolResult> | CallToolResult,
): Promise<CallToolResult> {
  const who = callerOf(ctx);
  const by = answeredBy(who);
  let id: string;
  try {
    id = await pending.start(who, { tool: toolName, argumentsDigest: digest, question: text });
  } catch (err) {
    return toolError(`${toolName} was not run: its approval question could not be recorded: ${describeFailure(err)}`);
  }
  let answer: ApprovalAnswer;
  try {
    const response = await ctx.mcpReq.send(
      { method: 'elicitation/create', params: form(text) },
      { timeout: Math.min(pending.opts.expiryMs, CONNECTION_ANSWER_MS) },
    );
    answer = answerOf(response, by) ?? { action: 'cancel', by, reason: 'the client answered something else' };
  } catch (err) {
    answer = { action: 'cancel', by, reason: `no answer on the connection (${describeFailure(err)})`.slice(0, 500) };
  }
  let decision: ApprovalDecision;
  try {
    decision = await pending.answer(id, answer);
  } catch (err) {
    return toolError(`${toolName} was not run: its approval could not be recorded (${describeFailure(err)})`);
  }
  return decision.decision === 'accepted' ? approved(id) : notApproved(toolName, decision);
}

/** The tool's `_meta` in `tools/list`: its calls need approval here, so a client can ask its user before calling. */
export function approvalListingMeta(
  server: McpServer,
  tool: { name: string; approval?: ApprovalDefault },
): Record<string, string> | undefined {
  const policy = policyOf(server);
  return needsApproval(tool, policy) ? { [APPROVAL_META_KEY]: 'required' } : undefined;
}
