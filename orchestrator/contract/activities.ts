/**
 * The orchestrator's activities as both sides see them: their names, inputs and outcomes, and the failure types they
 * throw. The worker implements `OrchestratorActivities` (orchestrator/activities.ts); the workflow proxies it and
 * reads the failure types. Types and constants only, no Node APIs, so the workflow bundle may import it.
 */
import type { ActionDecision, PlanRequest } from './planning';
import type { RemoteToolDescriptor, ToolDomain } from './conversation';

/**
 * Failure types of the MCP activities (`ApplicationFailure.type`): the workflow retries by them (its activity
 * options list the non-retryable ones) and tells them apart with `failureType()` (shared/temporal/failures.ts).
 */
export const McpFailureType = {
  /** The server could not be reached, or timed out: retried. */
  serverUnavailable: 'McpServerUnavailable',
  /** The server refused the request: not retried. */
  requestRejected: 'McpRequestRejected',
  /**
   * An ended Mcp-Session-Id, which activities threw before MCP 2026-07-28 (runs recorded before the
   * `mcp-2026-handles` patch): nothing throws it now, but those runs' histories carry it and the workflow reads it.
   */
  sessionNotFound: 'McpSessionNotFound',
} as const;
export type McpFailureType = (typeof McpFailureType)[keyof typeof McpFailureType];

/** A local tool's activity without its tool (a worker started without a calculator). */
export const CALCULATOR_UNAVAILABLE = 'CalculatorUnavailable';

export interface ToolOutcome {
  ok: boolean;
  /** What the model reads. */
  text: string;
}

/** An `inputRequests` map as the wire carries it: key → `{ method, params }`. */
export type InputRequestMap = Record<string, { method?: unknown; params?: unknown }>;

/** A pending `input_required` result: what to ask, and what to send back with the answer. */
export interface PendingInput {
  inputRequests: InputRequestMap;
  requestState?: string;
  /** The server's own words, for the person (each elicitation's message). */
  question: string;
}

/** The outcome of a remote tool call, over MCP or Nexus. */
export interface RemoteToolOutcome extends ToolOutcome {
  /** The session handle the result names (`structuredContent.session_id`), for the workflow to keep. */
  sessionId?: string;
  /** The handle sent was unknown, ended or not the caller's: the server's `session_not_found` error. */
  sessionNotFound?: boolean;
  /** The server needs a person's input first (MCP `input_required`): nothing ran yet; ask, then call with `resume`. */
  inputRequired?: PendingInput;
}

/** A person's answer to a tool call's approval: given before the call (the agent asked) or to a server's question. */
export interface CallApproval {
  approved: boolean;
  by?: string;
  reason?: string;
}

/** A tool domain's tool list, over MCP or Nexus. */
export interface RemoteToolList {
  tools: RemoteToolDescriptor[];
  /** How long the list may be reused (the server's `ttlMs`); absent: ask again next time. */
  ttlMs?: number;
  cacheScope?: 'public' | 'private';
}

/** One MCP tool call, as the workflow asks the activity for it. */
export interface CallMcpToolInput {
  server: ToolDomain;
  tool: string;
  arguments: Record<string, unknown>;
  onBehalfOf?: string;
  approval?: CallApproval;
  resume?: PendingInput;
}

export interface OrchestratorActivities {
  /** The manual loop asks its model what to do next: call tools, or answer (orchestrator/manual/). */
  planNextAction(request: PlanRequest): Promise<ActionDecision>;
  /** Lists a server's tools, with how long the list may be kept (the workflow keeps it in its catalog). */
  discoverMcpTools(input: { server: ToolDomain }): Promise<RemoteToolList>;
  /**
   * One tool call, with the arguments as given (the workflow has already put the session handle in); `approval` and
   * `resume` answer a server that asks first (`input_required`).
   */
  callMcpTool(input: CallMcpToolInput): Promise<RemoteToolOutcome>;
  /** Starts a long-running tool as an MCP task and returns its id at once. */
  startMcpToolTask(input: {
    server: ToolDomain;
    tool: string;
    arguments: Record<string, unknown>;
    onBehalfOf?: string;
  }): Promise<{ taskId: string }>;
  /** Follows an MCP task to its end, heartbeating. */
  awaitMcpToolTask(input: { server: ToolDomain; taskId: string }): Promise<RemoteToolOutcome>;
  /** Ends the conversation's IT session with the server's close tool. */
  closeMcpSession(input: { server: ToolDomain; sessionId: string; onBehalfOf?: string }): Promise<void>;
  calculate(input: { expression: string }): Promise<ToolOutcome>;
  currentWeather(input: { city: string }): Promise<ToolOutcome>;
}
