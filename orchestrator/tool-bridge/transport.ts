/**
 * How a conversation reaches its remote tools: over MCP (mcp.ts, each operation an activity) or over Nexus (nexus.ts,
 * each operation a Nexus operation in the conversation's history). The conversation's input says which
 * (`toolTransport`); `ToolBridge` picks it once.
 */
import type { CallApproval, PendingInput, RemoteToolList, RemoteToolOutcome } from '../contract/activities';
import type { ToolDomain, RemoteToolDescriptor } from '../contract/conversation';

export interface RemoteToolCall {
  descriptor: RemoteToolDescriptor;
  /** As sent: the model's arguments, plus the session handle where the conversation supplies one. */
  arguments: Record<string, unknown>;
  /** One line for the Web UI and the history: the tool and the model's arguments. */
  summary: string;
  /** A person's answer to this call's approval (asked before the call, or to the server's question). */
  approval?: CallApproval;
  /** The server's question this call answers (MCP `input_required`), with `approval` as the answer. */
  resume?: PendingInput;
}

export interface ToolTransport {
  /** The tools a domain serves, and how long the list may be kept. */
  discover(server: ToolDomain): Promise<RemoteToolList>;
  call(request: RemoteToolCall): Promise<RemoteToolOutcome>;
  closeSession(server: ToolDomain, sessionId: string): Promise<void>;
  /** Starts a long-running tool without waiting for it: its id now, its outcome when it ends. */
  startTask(request: RemoteToolCall): Promise<StartedTask>;
}

export interface StartedTask {
  id: string;
  outcome: Promise<RemoteToolOutcome>;
}
