/**
 * The IT MCP server: the tools of the IT contract (tool-workers/it/tools.ts), whose session state lives in one
 * Temporal workflow per session, named by a handle.
 *
 * Handles (2026-07-28 has no protocol sessions): a state-changing call without `session_id` opens a new session and
 * returns its handle; every later call passes it back as `session_id`. On a 2025-era HTTP session, or over stdio,
 * calls without `session_id` use that session (the Mcp-Session-Id, or IT_SESSION_ID), so those clients work as before.
 */
import { randomUUID } from 'node:crypto';
import { McpServer, type CallToolResult } from '@modelcontextprotocol/server';
import {
  closeSessionTool,
  getIpHistoryTool,
  getIpTool,
  getJiraMetricsTool,
  projectKeyOf,
  setJiraProjectTool,
  trackIpTool,
} from '../../tool-workers/it/tools';
import { describeFailure } from '../../shared/temporal/failures';
import { callerOf } from '../shared/caller';
import { LIST_CACHE_HINTS } from '../shared/list-cache';
import { toolError } from '../shared/tool-results';
import { definedResult, registerDefinedTool, registerWorkflowTool } from '../shared/tool-registration';
import { IDEMPOTENCY_META_KEY, IdempotencyConflict, keyDigest, validateIdempotencyKey, type ToolWorkflowRunner } from '../shared/tool-workflows';
import type { McpServeContext } from '../transports/http';
import { SessionNotFound, type ItSessions } from './sessions';

export const itServerInfo = { name: 'it-mcp', title: 'IT tools (stateful, Temporal-backed)', version: '0.2.0' };

/** Tool-error kinds a client program can act on (in the result's `_meta`), beside the text a model reads. */
export const SESSION_NOT_FOUND = 'session_not_found';
export const NO_SESSION = 'no_session';

export interface ItServerDeps {
  context: McpServeContext;
  sessions: ItSessions;
  lookups: ToolWorkflowRunner;
}

const START_HINT = 'Call set_jira_project or track_ip without session_id to start a new session.';

/** A session a call acts on, and whether the call may open it (a new handle, or stdio's own session). */
interface SessionRef {
  id: string;
  open: boolean;
}

export function createItServer({ context, sessions, lookups }: ItServerDeps): McpServer {
  const server = new McpServer(itServerInfo, {
    instructions:
      'Session-scoped IT tools. A session (Jira project, IP history) is a durable Temporal workflow that survives server restarts. ' +
      'set_jira_project and track_ip return a session_id; pass it back on later calls to keep the same session.',
    cacheHints: LIST_CACHE_HINTS,
  });

  /**
   * The session a call names, else this connection's default; writes without either open a new one. A keyed first
   * write (`_meta.idempotencyKey`) derives its handle from the key, so its retries open one session, not several.
   */
  function sessionFor(explicit: string | undefined, write: false): SessionRef | undefined;
  function sessionFor(explicit: string | undefined, write: true, opening: { tool: string; caller?: string; key?: string }): SessionRef;
  function sessionFor(explicit: string | undefined, write: boolean, opening?: { tool: string; caller?: string; key?: string }): SessionRef | undefined {
    if (explicit) return { id: explicit, open: false };
    if (context.sessionId) return { id: context.sessionId, open: context.reopenDefaultSession === true };
    if (!write) return undefined;
    return { id: opening?.key ? sessions.handleFor(opening.tool, opening.caller, opening.key) : sessions.mint(), open: true };
  }

  async function readState(ref: SessionRef, owner: string | undefined) {
    try {
      return await sessions.state(ref.id, owner);
    } catch (err) {
      // stdio's own session outlives idle expiry: a desktop client cannot re-initialize.
      if (!(err instanceof SessionNotFound) || !ref.open) throw err;
      await sessions.open(owner, ref.id);
      return sessions.state(ref.id, owner);
    }
  }

  async function guarded(tool: string, body: () => Promise<CallToolResult>): Promise<CallToolResult> {
    try {
      return await body();
    } catch (err) {
      if (err instanceof IdempotencyConflict) return toolError(err.message);
      if (err instanceof SessionNotFound) {
        return toolError(
          `No open IT session ${JSON.stringify(err.handle)} for this caller: it ended (idle, or closed with close_session), or it never existed here. ${START_HINT}`,
          SESSION_NOT_FOUND,
        );
      }
      return toolError(`${tool} failed: ${describeFailure(err)}`);
    }
  }

  const noSession = () =>
    toolError(`This call names no IT session. Pass session_id (returned by set_jira_project or track_ip), or start one: ${START_HINT}`, NO_SESSION);

  registerDefinedTool(server, setJiraProjectTool, ({ project, session_id }, ctx) =>
      guarded(setJiraProjectTool.name, async () => {
        let key: string;
        try {
          key = projectKeyOf(project);
        } catch (err) {
          return toolError((err as Error).message);
        }
        const idempotencyKey = validateIdempotencyKey(ctx.mcpReq._meta?.[IDEMPOTENCY_META_KEY]);
        const who = callerOf(ctx);
        const session = sessionFor(session_id, true, { tool: setJiraProjectTool.name, caller: who.caller, key: idempotencyKey });
        // The signal is acknowledged once durable, and the answer is fully known: no read-back round trip. A keyed
        // write is applied once however often it is repeated.
        await sessions.setJiraProject(session.id, key, {
          who,
          open: session.open,
          ...(idempotencyKey ? { requestId: keyDigest(idempotencyKey) } : {}),
        });
        return definedResult(setJiraProjectTool, { session_id: session.id, jira_project: key, last_used_at: new Date().toISOString() });
      }),
  );

  registerDefinedTool(server, getJiraMetricsTool, ({ project, session_id }, ctx) =>
      guarded(getJiraMetricsTool.name, async () => {
        const who = callerOf(ctx);
        const session = sessionFor(session_id, false);
        let chosen = project;
        if (!chosen) {
          if (!session) return noSession();
          chosen = (await readState(session, who.caller)).jira_project ?? undefined;
          if (!chosen) return toolError('No Jira project is set for this session: call set_jira_project first, or pass project.');
        }
        let key: string;
        try {
          key = projectKeyOf(chosen);
        } catch (err) {
          return toolError((err as Error).message);
        }
        const metrics = await lookups.run(getJiraMetricsTool.name, getJiraMetricsTool.workflow, { project: key }, undefined, who);
        return definedResult(getJiraMetricsTool, { ...metrics, ...(session ? { session_id: session.id } : {}) });
      }),
  );

  registerDefinedTool(server, trackIpTool, ({ session_id }, ctx) =>
      guarded(trackIpTool.name, async () => {
        const key = validateIdempotencyKey(ctx.mcpReq._meta?.[IDEMPOTENCY_META_KEY]);
        const who = callerOf(ctx);
        const session = sessionFor(session_id, true, { tool: trackIpTool.name, caller: who.caller, key });
        // With a key, a repeated call reuses the first lookup and the session applies the write once.
        const observation = await lookups.run(trackIpTool.name, trackIpTool.workflow, undefined, key && `${session.id}-${key}`, who);
        await sessions.recordIp(session.id, observation, { requestId: key ? keyDigest(key) : randomUUID(), who, open: session.open });
        const state = await sessions.state(session.id, who.caller);
        const last = state.ip_history.at(-1)!;
        return definedResult(trackIpTool, { ...last, history_length: state.ip_history_total, session_id: session.id });
      }),
  );

  registerDefinedTool(server, getIpHistoryTool, ({ session_id }, ctx) =>
      guarded(getIpHistoryTool.name, async () => {
        const session = sessionFor(session_id, false);
        if (!session) return noSession();
        const state = await readState(session, callerOf(ctx).caller);
        return definedResult(getIpHistoryTool, { session_id: session.id, entries: state.ip_history, total_tracked: state.ip_history_total });
      }),
  );

  registerWorkflowTool(server, getIpTool, lookups);

  registerDefinedTool(server, closeSessionTool, ({ session_id }, ctx) =>
      guarded(closeSessionTool.name, async () => {
        const session = sessionFor(session_id, false);
        if (!session) return noSession();
        if (!(await sessions.close(session.id, callerOf(ctx).caller))) throw new SessionNotFound(session.id);
        return definedResult(closeSessionTool, { session_id: session.id, closed: true as const });
      }),
  );

  return server;
}
