/**
 * The IT MCP server: session tools whose state lives in one Temporal workflow per session, named by a handle.
 *
 * Handles (2026-07-28 has no protocol sessions): a state-changing call without `session_id` opens a new session and
 * returns its handle; every later call passes it back as `session_id`. On a 2025-era HTTP session, or over stdio,
 * calls without `session_id` use that session (the Mcp-Session-Id, or IT_SESSION_ID), so those clients work as before.
 */
import { randomUUID } from 'node:crypto';
import { McpServer, type CallToolResult, type ScopeChallengeHandler } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { projectKeyOf } from '../../tool-workers/it/jira/provider';
import { ipLookupWorkflow, jiraMetricsWorkflow } from '../../tool-workers/it/workflows';
import { describeFailure } from '../../shared/temporal/failures';
import { callerOf } from '../shared/caller';
import { LIST_CACHE_HINTS } from '../shared/list-cache';
import { toolSchema } from '../shared/schemas';
import { structuredResult, toolError } from '../shared/tool-results';
import { IDEMPOTENCY_META_KEY, IdempotencyConflict, keyDigest, validateIdempotencyKey, type ToolWorkflowRunner } from '../shared/tool-workflows';
import { READ_SCOPE, WRITE_SCOPE } from '../transports/auth';
import type { McpServeContext } from '../transports/http';
import { SESSION_HANDLE_PATTERN, SessionNotFound, type ItSessions } from './sessions';

export const itServerInfo = { name: 'it-mcp', title: 'IT tools (stateful, Temporal-backed)', version: '0.2.0' };
export const itToolNames = ['set_jira_project', 'get_jira_metrics', 'track_ip', 'get_ip_history', 'get_ip', 'close_session'] as const;
/** The tools that change session state: with auth on, they need the write scope. */
export const itWriteTools = ['set_jira_project', 'track_ip', 'close_session'] as const;
/** With auth on, a token without the write scope gets a 403 challenge naming the scopes that would do (step-up). */
const needsWriteScope: ScopeChallengeHandler = ({ authInfo, request }) => {
  if (!authInfo || authInfo.scopes.includes(WRITE_SCOPE)) return undefined;
  const tool = String((request.params as { name?: unknown } | undefined)?.name);
  return { scopes: [READ_SCOPE, WRITE_SCOPE], errorDescription: `${tool} changes state and needs the ${WRITE_SCOPE} scope` };
};

/** Tool-error kinds a client program can act on (in the result's `_meta`), beside the text a model reads. */
export const SESSION_NOT_FOUND = 'session_not_found';
export const NO_SESSION = 'no_session';

export interface ItServerDeps {
  context: McpServeContext;
  sessions: ItSessions;
  lookups: ToolWorkflowRunner;
}

const sessionIdArg = z
  .string()
  .regex(SESSION_HANDLE_PATTERN, 'session_id must be a session handle returned by this server')
  .optional()
  .describe(
    'Which IT session to use: the session_id an earlier set_jira_project or track_ip call returned. ' +
      'Pass it on every call to keep the same Jira project and IP history; omit it to start a new session.',
  );
const sessionIdOut = z.string().describe('The IT session handle: pass it as session_id on later calls to keep using this session');

const ipSource = z.enum(['public-ip-service', 'local-interface']).describe('public-ip-service, or local-interface when the public lookup is off or failed');
const ipObservation = {
  ip: z.string().describe('IP address'),
  source: ipSource,
  detail: z.string().describe('Which service or interface answered, and why'),
};
const ipRecord = z.object({ ...ipObservation, tracked_at: z.string().describe('When it was tracked, ISO 8601') });

const jiraMetricsOutput = {
  project: z.string().describe('Jira project key'),
  project_name: z.string().describe('Project name'),
  open_issues: z.number().describe('Issues not done'),
  in_progress: z.number().describe('Issues in progress'),
  done_last_30_days: z.number().describe('Issues done in the last 30 days'),
  open_bugs: z.number().describe('Bugs not done'),
  avg_cycle_time_days: z.number().nullable().describe('Average days from created to resolved over the last 30 days; null when none'),
  as_of: z.string().describe('When the numbers were read, ISO 8601'),
  source: z.string().describe('Where the numbers came from; says "sample data" when not live'),
  session_id: sessionIdOut.optional(),
};

// Built once per process (see ../shared/schemas.ts). Strict: an unknown argument is refused by name, not dropped.
const schemas = {
  setJiraProject: {
    input: toolSchema(
      z.strictObject({
        project: z.string().min(1).max(64).describe('Jira project key (for example DEMO) or an issue key of it (DEMO-123)'),
        session_id: sessionIdArg,
      }),
    ),
    output: toolSchema(
      z.object({
        session_id: sessionIdOut,
        jira_project: z.string().describe('The session project now set'),
        last_used_at: z.string().describe('When the session was last used, ISO 8601'),
      }),
    ),
  },
  getJiraMetrics: {
    input: toolSchema(
      z.strictObject({
        project: z.string().min(1).max(64).optional().describe("Jira project key; defaults to the session's project (set_jira_project)"),
        session_id: sessionIdArg,
      }),
    ),
    output: toolSchema(z.object(jiraMetricsOutput)),
  },
  trackIp: {
    input: toolSchema(z.strictObject({ session_id: sessionIdArg })),
    output: toolSchema(z.object({ ...ipRecord.shape, history_length: z.number().describe('IPs tracked in this session so far'), session_id: sessionIdOut })),
  },
  getIpHistory: {
    input: toolSchema(z.strictObject({ session_id: sessionIdArg })),
    output: toolSchema(
      z.object({
        session_id: sessionIdOut,
        entries: z.array(ipRecord).describe('Tracked IPs, oldest first (the newest 1000 are kept)'),
        total_tracked: z.number().describe('IPs ever tracked in this session'),
      }),
    ),
  },
  getIp: { input: toolSchema(z.strictObject({})), output: toolSchema(z.object(ipObservation)) },
  closeSession: {
    input: toolSchema(z.strictObject({ session_id: sessionIdArg.describe('The IT session to end (the session_id set_jira_project or track_ip returned)') })),
    output: toolSchema(z.object({ session_id: sessionIdOut, closed: z.literal(true).describe('The session has ended') })),
  },
};

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

  server.registerTool(
    'set_jira_project',
    {
      title: 'Set Jira project',
      description:
        'Sets the Jira project of an IT session; later get_jira_metrics calls use it by default. An issue key such as DEMO-123 ' +
        'selects its project (DEMO). Without session_id it starts a new session and returns its session_id.',
      inputSchema: schemas.setJiraProject.input,
      outputSchema: schemas.setJiraProject.output,
      annotations: { readOnlyHint: false, idempotentHint: true, destructiveHint: false, openWorldHint: false },
      scopeChallenge: needsWriteScope,
    },
    ({ project, session_id }, ctx) =>
      guarded('set_jira_project', async () => {
        let key: string;
        try {
          key = projectKeyOf(project);
        } catch (err) {
          return toolError((err as Error).message);
        }
        const idempotencyKey = validateIdempotencyKey(ctx.mcpReq._meta?.[IDEMPOTENCY_META_KEY]);
        const who = callerOf(ctx);
        const session = sessionFor(session_id, true, { tool: 'set_jira_project', caller: who.caller, key: idempotencyKey });
        // The signal is acknowledged once durable, and the answer is fully known: no read-back round trip. A keyed
        // write is applied once however often it is repeated.
        await sessions.setJiraProject(session.id, key, {
          who,
          open: session.open,
          ...(idempotencyKey ? { requestId: keyDigest(idempotencyKey) } : {}),
        });
        return structuredResult(
          { session_id: session.id, jira_project: key, last_used_at: new Date().toISOString() },
          `Jira project set to ${key} (session_id ${session.id}).`,
        );
      }),
  );

  server.registerTool(
    'get_jira_metrics',
    {
      title: 'Jira metrics',
      description:
        "Issue metrics of a Jira project: open, in progress, done in the last 30 days, open bugs, cycle time. Defaults to the session's project.",
      inputSchema: schemas.getJiraMetrics.input,
      outputSchema: schemas.getJiraMetrics.output,
      annotations: { readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: true },
    },
    ({ project, session_id }, ctx) =>
      guarded('get_jira_metrics', async () => {
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
        const metrics = await lookups.run('get_jira_metrics', jiraMetricsWorkflow, { project: key }, undefined, who);
        return structuredResult(
          { ...metrics, ...(session ? { session_id: session.id } : {}) },
          `${metrics.project} (${metrics.project_name}): ${metrics.open_issues} open, ${metrics.in_progress} in progress, ` +
            `${metrics.done_last_30_days} done in 30 days, ${metrics.open_bugs} open bugs [${metrics.source}]`,
        );
      }),
  );

  server.registerTool(
    'track_ip',
    {
      title: 'Track my IP',
      description:
        "Looks up this machine's current IP address and records it, with a timestamp, in the session's IP history. " +
        'Without session_id it starts a new session and returns its session_id.',
      inputSchema: schemas.trackIp.input,
      outputSchema: schemas.trackIp.output,
      annotations: { readOnlyHint: false, idempotentHint: false, destructiveHint: false, openWorldHint: true },
      scopeChallenge: needsWriteScope,
    },
    ({ session_id }, ctx) =>
      guarded('track_ip', async () => {
        const key = validateIdempotencyKey(ctx.mcpReq._meta?.[IDEMPOTENCY_META_KEY]);
        const who = callerOf(ctx);
        const session = sessionFor(session_id, true, { tool: 'track_ip', caller: who.caller, key });
        // With a key, a repeated call reuses the first lookup and the session applies the write once.
        const observation = await lookups.run('track_ip', ipLookupWorkflow, undefined, key && `${session.id}-${key}`, who);
        await sessions.recordIp(session.id, observation, { requestId: key ? keyDigest(key) : randomUUID(), who, open: session.open });
        const state = await sessions.state(session.id, who.caller);
        const last = state.ip_history.at(-1)!;
        return structuredResult(
          { ...last, history_length: state.ip_history_total, session_id: session.id },
          `Tracked ${last.ip} (${last.source}) at ${last.tracked_at} (session_id ${session.id}).`,
        );
      }),
  );

  server.registerTool(
    'get_ip_history',
    {
      title: 'IP history',
      description: 'The IP addresses tracked in an IT session, oldest first, with when each was tracked.',
      inputSchema: schemas.getIpHistory.input,
      outputSchema: schemas.getIpHistory.output,
      annotations: { readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: false },
    },
    ({ session_id }, ctx) =>
      guarded('get_ip_history', async () => {
        const session = sessionFor(session_id, false);
        if (!session) return noSession();
        const state = await readState(session, callerOf(ctx).caller);
        const lines = state.ip_history.map((r, i) => `${i + 1}. ${r.ip} (tracked at ${r.tracked_at}, ${r.source})`);
        return structuredResult(
          { session_id: session.id, entries: state.ip_history, total_tracked: state.ip_history_total },
          lines.length ? `IP history:\n${lines.join('\n')}` : 'No IPs tracked in this session yet.',
        );
      }),
  );

  server.registerTool(
    'get_ip',
    {
      title: 'My IP',
      description: "This machine's current IP address (not recorded; use track_ip to record it).",
      inputSchema: schemas.getIp.input,
      outputSchema: schemas.getIp.output,
      annotations: { readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: true },
    },
    (_args, ctx) =>
      guarded('get_ip', async () => {
        const observation = await lookups.run('get_ip', ipLookupWorkflow, undefined, undefined, callerOf(ctx));
        return structuredResult(observation, `Current IP: ${observation.ip} (${observation.source}).`);
      }),
  );

  server.registerTool(
    'close_session',
    {
      title: 'Close IT session',
      description: 'Ends an IT session: its Jira project and IP history are discarded and its session_id stops working.',
      inputSchema: schemas.closeSession.input,
      outputSchema: schemas.closeSession.output,
      annotations: { readOnlyHint: false, idempotentHint: true, destructiveHint: true, openWorldHint: false },
      scopeChallenge: needsWriteScope,
    },
    ({ session_id }, ctx) =>
      guarded('close_session', async () => {
        const session = sessionFor(session_id, false);
        if (!session) return noSession();
        if (!(await sessions.close(session.id, callerOf(ctx).caller))) throw new SessionNotFound(session.id);
        return structuredResult({ session_id: session.id, closed: true as const }, `IT session ${session.id} closed.`);
      }),
  );

  return server;
}
