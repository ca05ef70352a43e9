/**
 * 2025-era HTTP sessions whose client can be asked (issue 27.4): a client that declared elicitation at its initialize
 * gets `elicitation/create` on the response stream of its tools/call (mcp-servers/adapter/approvals.ts asks), and posts
 * its answer back on the session. Every request is served by a fresh server instance, so this module keeps, in this
 * process, what such a session declared and the one instance of the session that is waiting for an answer:
 *
 * - The declared capabilities, from the initialize this process answered (bounded; forgotten on DELETE). A replica
 *   that did not see the initialize does not know them, and its calls that need approval get the policy's refusal.
 * - The waiting instance: a tools/call on such a session is answered as an SSE stream (so the question can go out on
 *   it) and its instance lives until that stream ends. A posted JSON-RPC response on the session goes to it. One per
 *   session at a time: instances number their requests alike, so a second one could take another's answer; a call
 *   made meanwhile is answered as usual, without the capabilities, and cannot ask.
 *
 * The answer must reach the replica that asked (sticky sessions). The 2026-07-28 path has no such limit: its question
 * is a durable pending call any replica resumes.
 */
import {
  isJSONRPCErrorResponse,
  isJSONRPCResultResponse,
  type AuthInfo,
  type ClientCapabilities,
  type JSONRPCMessage,
  type WebStandardStreamableHTTPServerTransport,
} from '@modelcontextprotocol/server';

const MAX_REMEMBERED_SESSIONS = 10_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A posted JSON-RPC response (an answer to a server's request), not a request or a notification. */
export function isPostedResponse(body: unknown): boolean {
  return isJSONRPCResultResponse(body) || isJSONRPCErrorResponse(body);
}

export class LegacyQuestions {
  private readonly declared = new Map<string, ClientCapabilities>();
  /** The session's instance that may ask; null while it is being set up (claimed, so no second one starts). */
  private readonly waiting = new Map<string, WebStandardStreamableHTTPServerTransport | null>();

  /** After an initialize opened `sessionId`: keeps what its client declared, when it can be asked at all. */
  remember(sessionId: string, initialize: unknown): void {
    const capabilities =
      isRecord(initialize) && isRecord(initialize.params) ? initialize.params.capabilities : undefined;
    if (!isRecord(capabilities) || !isRecord(capabilities.elicitation)) return;
    if (this.declared.size >= MAX_REMEMBERED_SESSIONS) this.declared.delete(this.declared.keys().next().value!);
    this.declared.set(sessionId, capabilities as ClientCapabilities);
  }

  forget(sessionId: string): void {
    this.declared.delete(sessionId);
  }

  /**
   * The capabilities a tools/call on this session may ask with, claiming the session's one waiting place (synchronously,
   * so two concurrent calls never both get it); undefined when it cannot ask. A claim ends with `hold` or `release`.
   */
  claim(sessionId: string | undefined, body: unknown): ClientCapabilities | undefined {
    if (!sessionId || this.waiting.has(sessionId)) return undefined;
    if (!isRecord(body) || body.method !== 'tools/call') return undefined;
    const capabilities = this.declared.get(sessionId);
    if (capabilities) this.waiting.set(sessionId, null);
    return capabilities;
  }

  release(sessionId: string): void {
    this.waiting.delete(sessionId);
  }

  /**
   * Keeps the claiming instance reachable until its response stream ends, then releases the claim and calls `close`.
   * The response is passed through unchanged.
   */
  hold(
    sessionId: string,
    transport: WebStandardStreamableHTTPServerTransport,
    response: Response,
    close: () => void,
  ): Response {
    const done = () => {
      this.release(sessionId);
      close();
    };
    if (!response.body) {
      done();
      return response;
    }
    this.waiting.set(sessionId, transport);
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    response.body.pipeTo(writable).then(done, done);
    return new Response(readable, { status: response.status, headers: response.headers });
  }

  /**
   * The waiting instance of this session takes a posted response (202, as the transport answers one); undefined
   * when none waits here. Handed to the instance's protocol directly: a stateless transport serves one request.
   */
  deliver(sessionId: string, body: unknown, authInfo: AuthInfo | undefined): Response | undefined {
    const transport = this.waiting.get(sessionId);
    if (!transport?.onmessage) return undefined;
    transport.onmessage(body as JSONRPCMessage, authInfo ? { authInfo } : undefined);
    return new Response(null, { status: 202 });
  }
}
