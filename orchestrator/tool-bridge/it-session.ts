/**
 * The conversation's one IT session. MCP 2026-07-28 has no protocol sessions: the IT server mints a handle, returned
 * by the first state-changing call made without one, and session-using tools take it back as an argument
 * (`itSessionContract`). The handle is conversation state, so the model never sees it, and it survives worker
 * restarts and continue-as-new. A handle that is gone (idle expiry, closed) is dropped and the call made once more,
 * which opens a new session.
 */
import { condition, patched } from '@temporalio/workflow';
import { failureType } from '../../shared/temporal/failures';
import { McpFailureType, type RemoteToolList, type RemoteToolOutcome } from '../contract/activities';
import { MCP_2026_PATCH } from '../patches';
import {
  itSessionContract,
  type ConversationState,
  type ToolDomain,
  type RemoteToolDescriptor,
} from '../contract/conversation';
import type { TurnLog } from '../transcript';
import { isRecord } from './parameters';

/** One call of a session-using tool, with the handle to send (undefined: the call opens a session). */
export type SessionAttempt = (handle: string | undefined) => Promise<RemoteToolOutcome>;

export class ItSession {
  /** A call without a handle is under way: the next ones wait for the handle it brings. */
  private opening = false;

  constructor(private readonly state: Pick<ConversationState, 'itSessionId'>) {}

  get handle(): string | undefined {
    return this.state.itSessionId;
  }

  /** An IT tool that works in the conversation's session: it takes the handle as an argument. */
  static isUsedBy(descriptor: RemoteToolDescriptor): boolean {
    const properties = descriptor.inputSchema.properties;
    return descriptor.server === 'it' && isRecord(properties) && itSessionContract.handleArgument in properties;
  }

  /** A tool the conversation uses itself and does not offer the model: it closes its session when it ends. */
  static isReserved(descriptor: RemoteToolDescriptor): boolean {
    return descriptor.server === 'it' && descriptor.name === itSessionContract.closeTool;
  }

  /** An IT call in the session; when its handle is gone, the handle is dropped and the call made once more. */
  async call(attempt: SessionAttempt, turnLog: TurnLog): Promise<RemoteToolOutcome> {
    const first = await this.inSession(attempt);
    if (!first.outcome.sessionNotFound || first.handle === undefined) return first.outcome;
    // A parallel call may already have dropped it (and a newer handle may be in place): one notice per lost session.
    if (this.state.itSessionId === first.handle) {
      this.state.itSessionId = undefined;
      turnLog.notice(
        'The IT session of this conversation had ended (idle or closed); its data is gone and a new, empty session is used from now on.',
      );
    }
    return (await this.inSession(attempt)).outcome;
  }

  /**
   * Without a handle yet, calls go one at a time: the first state-changing one opens the session and those after it
   * use its handle, rather than parallel calls of one turn each opening a session of their own.
   */
  private async inSession(attempt: SessionAttempt): Promise<{ outcome: RemoteToolOutcome; handle?: string }> {
    if (this.state.itSessionId === undefined && patched(MCP_2026_PATCH)) {
      while (this.state.itSessionId === undefined && this.opening) await condition(() => !this.opening);
      if (this.state.itSessionId === undefined) {
        this.opening = true;
        try {
          const outcome = await attempt(undefined);
          this.state.itSessionId ??= outcome.sessionId;
          return { outcome };
        } finally {
          this.opening = false;
        }
      }
    }
    const handle = this.state.itSessionId;
    const outcome = await attempt(handle);
    this.state.itSessionId ??= outcome.sessionId;
    return { outcome, handle };
  }

  // Runs recorded before MCP_2026_PATCH (docs/patches.md): discovery opened the session and returned its Mcp-Session-Id, and an ended
  // session failed calls and discoveries with McpSessionNotFound.

  /** A discovery of the IT server returned the session's Mcp-Session-Id. */
  adoptLegacyHandle(server: ToolDomain, found: RemoteToolList): void {
    const legacySessionId = (found as { sessionId?: string }).sessionId;
    if (legacySessionId && server === 'it') this.state.itSessionId = legacySessionId;
  }

  /** A discovery failed because the session had ended; true when that was it (the next discovery opens a new one). */
  endedAtDiscovery(server: ToolDomain, err: unknown, turnLog: TurnLog): boolean {
    if (server !== 'it' || !this.state.itSessionId || failureType(err) !== McpFailureType.sessionNotFound) return false;
    this.state.itSessionId = undefined;
    turnLog.notice('The IT session of this conversation had ended; a new one will be opened.');
    return true;
  }

  /** A call failed because the session had ended: the handle is dropped, and a discovery opens a new session. */
  endedAtCall(turnLog: TurnLog): void {
    this.state.itSessionId = undefined;
    turnLog.notice('The IT session of this conversation had ended (idle or deleted); a new, empty one was opened.');
  }
}

/** What the model reads where an IT result named a session handle. */
export const HIDDEN_HANDLE = '[hidden]';
const namedHandle = new RegExp(`"${itSessionContract.handleArgument}":\\s*"([^"\\\\]{8,128})"`, 'g');

/**
 * `text` with every session handle it names replaced by `HIDDEN_HANDLE`: the `known` ones, and any its JSON gives as
 * `"session_id": "…"` (a long-running IT tool started without a handle opens a session of its own). Handles are at
 * least 8 characters, so no short common word is taken for one.
 */
export function hideSessionHandles(text: string, known: readonly (string | undefined)[]): string {
  const handles = new Set(known.filter((h): h is string => h !== undefined && h.length >= 8));
  for (const match of text.matchAll(namedHandle)) handles.add(match[1]!);
  let hidden = text;
  for (const handle of handles) hidden = hidden.split(handle).join(HIDDEN_HANDLE);
  return hidden;
}
