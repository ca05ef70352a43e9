/**
 * The conversation's contract: workflow input, the turn Update, the transcript Query and the types they carry.
 * Imported by the workflow (so: message definitions and types only, no Node APIs), the worker, the chat and tests.
 * The activities' side of the contract is ./activities.ts.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AgentInputItem } from '@openai/agents-core';
import { CLOSE_SESSION_TOOL, SESSION_ID_ARGUMENT, SESSION_NOT_FOUND } from '../../shared/tools/session-handle';
import { TOOL_ERROR_META_KEY } from '../../shared/tools/tool-error';

/** The model name of the offline model (offline-model/), which needs no LLM; the model provider resolves it. */
export { OFFLINE_MODEL_NAME } from '../../offline-model/name';

/**
 * The tool domains a conversation reaches, over MCP (the worker maps each to its server's URL: FINANCE_MCP_URL,
 * IT_MCP_URL) or Nexus (an endpoint each).
 */
export const toolDomains = ['finance', 'it'] as const;
export type ToolDomain = (typeof toolDomains)[number];

/**
 * The IT server's session contract (MCP 2026-07-28 has no protocol sessions): the server mints a handle, returned in
 * `structuredContent.session_id` by the first state-changing call made without one, and every session-using tool
 * takes it back as the `session_id` argument. The conversation keeps the handle, so the model never sees it.
 */
export const itSessionContract = {
  handleArgument: SESSION_ID_ARGUMENT,
  closeTool: CLOSE_SESSION_TOOL,
  /** `_meta` key of a tool error a program must tell apart, and its value for a handle that is gone. */
  errorMetaKey: TOOL_ERROR_META_KEY,
  notFound: SESSION_NOT_FOUND,
} as const;

/** A tool a domain lists (over MCP or Nexus), as the conversation keeps it in its catalog. */
export interface RemoteToolDescriptor {
  server: ToolDomain;
  name: string;
  title?: string;
  description: string;
  /** The tool's JSON Schema input, as the server lists it. */
  inputSchema: Record<string, unknown>;
  /** The server says its calls need a person's approval (its policy, TOOL_APPROVAL*): the chat asks before each. */
  approval?: 'required';
}

export interface ContextPolicy {
  /** window: drop the oldest turns; summary: replace them with a short digest of what was asked and answered. */
  strategy: 'window' | 'summary';
  /** Turns (a user message and everything after it) kept in the model's context. */
  maxTurns: number;
  /** Rough token budget of the kept items (4 characters a token). */
  maxTokens: number;
}

export type AgentLoop = 'agents-sdk' | 'manual';

export interface ModelCallPolicy {
  /** Start-to-close timeout of one planning call. */
  timeoutMs: number;
  /** Attempts of one planning call before the turn gives up with an honest reply. */
  maxAttempts: number;
}

export interface ToolCallPolicy {
  /** Start-to-close timeout of one MCP or local tool call activity. */
  timeoutMs: number;
  /** Attempts before the model is told the tool failed. */
  maxAttempts: number;
}

export interface ToolCallRecord {
  tool: string;
  /** finance, it, or local (calculator, weather). */
  server: ToolDomain | 'local';
  arguments: unknown;
  ok: boolean;
  /** The first line of what the tool answered (or why it failed). */
  summary: string;
}

export type TranscriptEntry =
  | { kind: 'user'; turn: number; text: string; at: string }
  | { kind: 'assistant'; turn: number; text: string; at: string; toolCalls: ToolCallRecord[] }
  | { kind: 'notice'; text: string; at: string }
  | ({ kind: 'approval'; turn: number } & ApprovalQuestion & ApprovalDecision);

/** A tool call waiting for a person's approval (orchestrator/approvals.ts). */
export interface ApprovalQuestion {
  /** Unique in its conversation: what the answer names. */
  id: string;
  tool: string;
  server: ToolDomain | 'local';
  /** As the model gave them (the session handle is the conversation's, never shown). */
  arguments: Record<string, unknown>;
  /** Why it is asked: the policy, or the question a server put (MCP `input_required`). */
  why: string;
  askedAt: string;
  /** When it is rejected by itself if nobody answers. */
  expiresAt: string;
}

export interface ApprovalDecision {
  decision: 'approved' | 'rejected' | 'expired';
  /** Who answered (the chat's user); absent for an expiry. */
  by?: string;
  reason?: string;
  at: string;
}

export interface ApprovalAnswer {
  id: string;
  approved: boolean;
  reason?: string;
}

export interface ConversationState {
  /** The model's memory (Agents SDK items), already trimmed to the context policy. */
  items: AgentInputItem[];
  transcript: TranscriptEntry[];
  turns: number;
  /**
   * The handle of the conversation's one IT session, kept across worker restarts and continue-as-new. Taken from the
   * first IT result that names one; in runs from before the `mcp-2026-handles` patch, an Mcp-Session-Id.
   */
  itSessionId?: string;
  /** Tools discovered on the MCP servers. */
  catalog: RemoteToolDescriptor[];
  /** Per server, until when (workflow time, epoch ms) its part of the catalog may be used: the list's `ttlMs`. */
  catalogExpiresAt?: Partial<Record<ToolDomain, number>>;
  /** Servers that could not be reached at discovery, with why; discovery is retried on the next turn. */
  unavailable: Partial<Record<ToolDomain, string>>;
  /** Digest of turns dropped from the model's context (summary strategy). */
  summary?: string;
  startedAt: string;
  /** Long-running tools the agent started as background tasks (MCP tasks or Nexus operations), newest last. */
  tasks?: BackgroundTask[];
  /** Finished tasks dropped from `tasks` (only the most recent are kept): how many, and the latest ids. */
  droppedTasks?: { count: number; ids: string[] };
  /** Tool calls waiting for a person's approval now (the turn is paused until each is answered or expires). */
  pendingApprovals?: ApprovalQuestion[];
  /** Approvals asked so far: the next question's id. */
  approvalsAsked?: number;
}

/** A long-running tool call (`taskMode: 'always'`) that runs on after the turn that started it. */
export interface BackgroundTask {
  /** The MCP task id, or the Nexus operation's token. */
  id: string;
  tool: string;
  server: ToolDomain;
  arguments: Record<string, unknown>;
  status: 'working' | 'completed' | 'failed';
  startedAt: string;
  endedAt?: string;
  /** What the tool answered once it ended: the text the model reads (since `bounded-conversation-state`, capped). */
  result?: string;
}

export interface ConversationInput {
  /** Model name the worker's provider resolves: `offline` for the planner, or an OpenAI(-compatible) model. */
  model: string;
  /**
   * The agent loop this conversation runs, recorded when it starts (its workflow type says the same): `agents-sdk`
   * (conversationWorkflow, the default and what runs recorded without it) or `manual` (manualConversationWorkflow).
   */
  agentLoop?: AgentLoop;
  /** The manual loop's planning activity (the Agents SDK loop takes its model-call policy from the plugin instead). */
  modelCalls?: ModelCallPolicy;
  /** The manual loop's bound on plan → tool steps in one user turn. */
  maxStepsPerTurn?: number;
  /** Who is chatting: an identity, never a credential; tools hear it as the user the agent acts for. */
  user?: string;
  context: ContextPolicy;
  toolCalls: ToolCallPolicy;
  /** The conversation ends after this long without a turn. */
  idleTimeoutMs: number;
  /** Continue-as-new once the history has this many events (Temporal may suggest it earlier). */
  maxHistoryEvents?: number;
  /** How remote tools are reached: over MCP (absent: runs from before there was a choice) or as Nexus operations. */
  toolTransport?: ToolTransportName;
  /** The Nexus endpoints of the tool domains, with `toolTransport: 'nexus'`. */
  nexusEndpoints?: { finance: string; it: string };
  /** How long a tool call waits for a person's approval before it is rejected by itself (absent: a day). */
  approvalExpiryMs?: number;
  /**
   * The Agents SDK loop's own traces (agent, model and tool spans, through the plugin's sink to the worker's Agents SDK
   * trace processors). Absent: off, since this project registers no processor that exports them; set it where one is.
   */
  agentTracing?: boolean;
  /** Carried over by continue-as-new. */
  state?: ConversationState;
}

export const toolTransports = ['mcp', 'nexus'] as const;

/** Memo key of who a conversation's Nexus operations are for (orchestrator/nexus-identity.ts puts it in their headers). */
export const NEXUS_IDENTITY_MEMO = 'nexusIdentity';
export interface NexusIdentity {
  /** The conversation's user, named to the tool workers within the orchestrator's namespace (never a credential). */
  caller?: string;
  onBehalfOf?: string;
}
export type ToolTransportName = (typeof toolTransports)[number];

export interface TurnRequest {
  text: string;
}

export interface TurnReply {
  turn: number;
  reply: string;
  toolCalls: ToolCallRecord[];
  /** Things the user should know about this turn (context trimmed, a server unavailable, a session renewed). */
  notices: string[];
  /**
   * The turn is paused: these tool calls wait for a person's approval (`answerApproval`). `reply` is empty until the
   * turn ends; the answer's Update returns the rest of the turn.
   */
  pendingApprovals?: ApprovalQuestion[];
}

export interface TranscriptView {
  conversationId: string;
  model: string;
  turns: number;
  itSessionId: string | null;
  tools: string[];
  unavailableServers: Partial<Record<ToolDomain, string>>;
  entries: TranscriptEntry[];
  /** The background tasks this conversation started (`/tasks` in the chat). */
  tasks: BackgroundTask[];
  /** Tool calls waiting for approval now: a resumed chat asks them. */
  pendingApprovals: ApprovalQuestion[];
}

export const MAX_MESSAGE_CHARS = 8000;
/** Transcript entries kept in workflow state (older ones are summarised by a notice). */
export const MAX_TRANSCRIPT_ENTRIES = 500;

export const sendMessageUpdate = defineUpdate<TurnReply, [TurnRequest]>('sendMessage');
/** A person's answer to a pending approval; returns the rest of the turn (or the next approval it waits for). */
export const answerApprovalUpdate = defineUpdate<TurnReply, [ApprovalAnswer & { by?: string }]>('answerApproval');
export const transcriptQuery = defineQuery<TranscriptView>('transcript');
export const endConversationSignal = defineSignal<[{ reason: string }]>('endConversation');
