/**
 * What each IT session tool does, whoever asks: the MCP server and the Nexus service both run the tools in
 * `itSessionTools` through `ItTools.run`, which resolves the call's session by the tool's own policy (its definition's
 * `session`), and both tell a failure by `sessionToolFailure`. They differ only in which session a call names when it
 * passes no `session_id` (MCP: the connection's own, if any) and in how an error reaches the caller. Results are the
 * tools' output shapes (./contract.ts).
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { CallerIdentity } from '../../shared/caller-scope';
import { CallerLimitReached } from '../../shared/temporal/caller-limits';
import { NO_SESSION, SESSION_NOT_FOUND } from '../../shared/tools/session-handle';
import {
  argumentsDigest,
  IdempotencyConflict,
  keyDigest,
  type ToolWorkflowRunner,
} from '../../shared/tools/workflow-runner';
import { projectKeyOf } from './contract';
import { KEYED_WRITE_WINDOW_MS, MAX_KEYED_WRITES, type IpWatchInput } from './session-contract';
import { itSessionWorkflowId, SessionNotFound, type ItSessions, type WriteOptions } from './sessions';
import {
  closeSessionTool,
  createJiraIssueTool,
  getIpHistoryTool,
  getJiraMetricsTool,
  setJiraProjectTool,
  trackIpTool,
  type SessionToolDefinition,
  type SessionUse,
} from './tools';

/** The session a call acts on, and whether the call may open it (a new handle, or stdio's own session). */
export interface SessionTarget {
  id: string;
  open: boolean;
}

/** Who asks, and the key that makes a repeated request one request (an idempotency key, a Nexus request id). */
export interface ToolCall {
  who: CallerIdentity;
  key?: string;
}

/** The request is wrong in a way the caller can fix; the message says how. */
export class ToolInputError extends Error {
  override name = 'ToolInputError';
}

/** A call that needs a session, with none named. */
export class NoSessionNamed extends Error {
  override name = 'NoSessionNamed';
  constructor() {
    super(
      `This call names no IT session. Pass session_id (returned by set_jira_project or track_ip), or start one: ${START_HINT}`,
    );
  }
}

/** What a caller reads for a handle that names no open session of theirs, on every front end. */
export function sessionGoneMessage(handle: string): string {
  return `No open IT session ${JSON.stringify(handle)} for this caller: it ended (idle, or closed with close_session), or it never existed here. ${START_HINT}`;
}

export const START_HINT = 'Call set_jira_project or track_ip without session_id to start a new session.';

type Output<T extends { output: z.ZodType }> = z.output<T['output']>;

/** The session a call acts on, by its tool's policy: a `reads` tool may act on none. */
export type TargetFor<U extends SessionUse> = U extends 'reads' ? SessionTarget | undefined : SessionTarget;

/**
 * Why a session tool call failed, told the same way by every front end: `invalid` (the caller can fix the request:
 * bad input, an idempotency key used otherwise), `limit` (a per-caller bound), or a session problem by the wire kind a
 * program acts on (no session named, or one that is gone). Anything else is a failure of the tool's work.
 */
export type SessionToolFailure =
  | { kind: 'invalid' | typeof NO_SESSION | typeof SESSION_NOT_FOUND; message: string }
  | { kind: 'limit'; message: string; error: CallerLimitReached };

export function sessionToolFailure(err: unknown): SessionToolFailure | undefined {
  if (err instanceof ToolInputError || err instanceof IdempotencyConflict)
    return { kind: 'invalid', message: err.message };
  if (err instanceof CallerLimitReached) return { kind: 'limit', message: err.message, error: err };
  if (err instanceof NoSessionNamed) return { kind: NO_SESSION, message: err.message };
  if (err instanceof SessionNotFound) return { kind: SESSION_NOT_FOUND, message: sessionGoneMessage(err.handle) };
  return undefined;
}

/** A session tool and what its call does, given the session its policy resolved and its parsed arguments. */
export interface SessionToolRun<D extends SessionToolDefinition = SessionToolDefinition> {
  definition: D;
  run(tools: ItTools, target: TargetFor<D['session']>, args: z.output<D['input']>, call: ToolCall): Promise<Output<D>>;
}

function sessionToolRun<D extends SessionToolDefinition>(definition: D, run: SessionToolRun<D>['run']): SessionToolRun {
  return { definition, run } as unknown as SessionToolRun;
}

export class ItTools {
  constructor(
    private readonly sessions: ItSessions,
    private readonly lookups: ToolWorkflowRunner,
  ) {}

  /** Runs a session tool's call on the session it names (`named`), by the tool's policy. */
  async run<D extends SessionToolDefinition>(
    tool: SessionToolRun<D>,
    args: z.output<D['input']>,
    named: SessionTarget | undefined,
    call: ToolCall,
  ): Promise<Output<D>> {
    return tool.run(this, this.target<D['session']>(tool.definition, named, call), args, call);
  }

  /**
   * The session a call acts on, by its tool's policy (`SessionUse`): the one it names; else, for a tool that writes, a
   * new one; for a tool that needs one, none (refused); for a tool that reads, none.
   */
  target<U extends SessionUse>(
    tool: { name: string; session: U },
    named: SessionTarget | undefined,
    call: ToolCall,
  ): TargetFor<U> {
    if (named) return named as TargetFor<U>;
    if (tool.session === 'writes') return this.newSession(tool.name, call) as TargetFor<U>;
    if (tool.session === 'needs') throw new NoSessionNamed();
    return undefined as TargetFor<U>;
  }

  /** A new session for a first write. A keyed write derives its handle from the key, so its retries open one session. */
  private newSession(tool: string, { who, key }: ToolCall): SessionTarget {
    return { id: key ? this.sessions.handleFor(tool, who.caller, key) : this.sessions.mint(), open: true };
  }

  /** The session's state; a session the caller may open (stdio's own) is re-opened if it has ended. */
  async state(target: SessionTarget, owner: string | undefined) {
    try {
      return await this.sessions.state(target.id, owner);
    } catch (err) {
      // stdio's own session outlives idle expiry: a desktop client cannot re-initialize.
      if (!(err instanceof SessionNotFound) || !target.open) throw err;
      await this.sessions.open(owner, target.id);
      return this.sessions.state(target.id, owner);
    }
  }

  async setJiraProject(
    target: SessionTarget,
    project: string,
    { who, key }: ToolCall,
  ): Promise<Output<typeof setJiraProjectTool>> {
    const jiraProject = projectKey(project);
    // The signal is acknowledged once durable, and the answer is fully known: no read-back round trip, but for a
    // keyed write's check that its key was not used otherwise.
    await this.write(target, setJiraProjectTool.name, { project }, { who, key }, (opts) =>
      this.sessions.setJiraProject(target.id, jiraProject, opts),
    );
    return { session_id: target.id, jira_project: jiraProject, last_used_at: new Date().toISOString() };
  }

  /**
   * Sends a write to its session. A keyed one is applied once for as long as the session holds its key
   * (KEYED_WRITE_WINDOW_MS), and bound to the tool and arguments it was first made with: a Signal cannot answer, so a
   * Query after it (which sees it) asks what the session holds for the key, and a key used otherwise is refused as a
   * conflict, as finance refuses one. The session applies nothing for such a write.
   */
  private async write(
    target: SessionTarget,
    tool: string,
    args: Record<string, unknown>,
    { who, key }: ToolCall,
    send: (opts: WriteOptions) => Promise<void>,
  ): Promise<void> {
    if (!key) return send({ who, open: target.open, requestId: randomUUID() });
    const requestId = keyDigest(key);
    const digest = argumentsDigest(args);
    await send({ who, open: target.open, requestId, keyed: { tool, argumentsDigest: digest } });
    const held = await this.sessions.keyedWrite(target.id, requestId, who.caller);
    const named = `idempotency key ${JSON.stringify(key)}`;
    if (!held) {
      throw new IdempotencyConflict(
        `${named} was not applied: this session already holds ${MAX_KEYED_WRITES} idempotency keys from the last ` +
          `${KEYED_WRITE_WINDOW_MS / 3_600_000} hours, the most it keeps. Retry later, or use a new session`,
      );
    }
    if (held.tool !== tool) throw new IdempotencyConflict(`${named} was already used for ${held.tool} in this session`);
    if (held.argumentsDigest !== digest) {
      throw new IdempotencyConflict(`${named} was already used for ${tool} with different arguments`);
    }
  }

  /** A project named in the call wins; else the session's. Needs one of the two. */
  async jiraMetrics(
    target: SessionTarget | undefined,
    project: string | undefined,
    { who }: ToolCall,
  ): Promise<Output<typeof getJiraMetricsTool>> {
    let chosen = project;
    if (!chosen) {
      if (!target) throw new NoSessionNamed();
      chosen = (await this.state(target, who.caller)).jira_project ?? undefined;
      if (!chosen)
        throw new ToolInputError(
          'No Jira project is set for this session: call set_jira_project first, or pass project.',
        );
    }
    const metrics = await this.lookups.run(
      getJiraMetricsTool.name,
      getJiraMetricsTool.workflow,
      { project: projectKey(chosen) },
      undefined,
      who,
    );
    return { ...metrics, ...(target ? { session_id: target.id } : {}) };
  }

  async trackIp(target: SessionTarget, { who, key }: ToolCall): Promise<Output<typeof trackIpTool>> {
    // With a key, a repeated call reuses the first lookup and the session applies the write once.
    const observation = await this.lookups.run(
      trackIpTool.name,
      trackIpTool.workflow,
      undefined,
      key && `${target.id}-${key}`,
      who,
    );
    await this.write(target, trackIpTool.name, {}, { who, key }, (opts) =>
      this.sessions.recordIp(target.id, observation, opts),
    );
    const state = await this.sessions.state(target.id, who.caller);
    const last = state.ip_history.at(-1)!;
    return { ...last, history_length: state.ip_history_total, session_id: target.id };
  }

  /**
   * Files an issue in the session's project. One workflow per call, named by the caller's key within this session (as
   * track_ip's lookup is): a repeated key attaches to the first call's workflow and reads its issue, and its activity
   * looks in Jira for the issue an earlier attempt filed before filing one (activities.ts). Approval is checked before
   * this runs, by the MCP server or Nexus handler that received the call.
   */
  async createJiraIssue(
    target: SessionTarget,
    { summary, description, ip }: { summary: string; description: string; ip?: string },
    { who, key }: ToolCall,
  ): Promise<Output<typeof createJiraIssueTool>> {
    const project = (await this.state(target, who.caller)).jira_project;
    if (!project) {
      throw new ToolInputError(
        "No Jira project is set for this session: call set_jira_project first; create_jira_issue files in the session's project.",
      );
    }
    const issue = await this.lookups.run(
      createJiraIssueTool.name,
      createJiraIssueTool.workflow,
      { project, summary, description, ...(ip ? { ip } : {}) },
      key && `${target.id}-${key}`,
      who,
    );
    return { ...issue, session_id: target.id };
  }

  async ipHistory(target: SessionTarget, { who }: ToolCall): Promise<Output<typeof getIpHistoryTool>> {
    const state = await this.state(target, who.caller);
    return { session_id: target.id, entries: state.ip_history, total_tracked: state.ip_history_total };
  }

  /** What a watch_ip workflow needs, once its session is known to be open (or opened, for a new one). */
  async watchInput(
    target: SessionTarget,
    { every_seconds, for_minutes }: { every_seconds: number; for_minutes: number },
    { who }: ToolCall,
  ): Promise<IpWatchInput> {
    if (target.open) await this.sessions.open(who.caller, target.id);
    else await this.state(target, who.caller);
    return {
      sessionId: target.id,
      sessionWorkflowId: itSessionWorkflowId(target.id, who.caller),
      everySeconds: every_seconds,
      forMinutes: for_minutes,
      ...(who.caller ? { caller: who.caller } : {}),
      ...(who.onBehalfOf ? { onBehalfOf: who.onBehalfOf } : {}),
    };
  }

  async closeSession(target: SessionTarget, { who }: ToolCall): Promise<Output<typeof closeSessionTool>> {
    if (!(await this.sessions.close(target.id, who.caller))) throw new SessionNotFound(target.id);
    return { session_id: target.id, closed: true };
  }
}

function projectKey(input: string): string {
  try {
    return projectKeyOf(input);
  } catch (err) {
    throw new ToolInputError((err as Error).message);
  }
}

/** The session tools both front ends run alike (watch_ip, a task or a workflow-run operation, is started by each). */
export const itSessionTools: readonly SessionToolRun[] = [
  sessionToolRun(setJiraProjectTool, (tools, target, { project }, call) => tools.setJiraProject(target, project, call)),
  sessionToolRun(getJiraMetricsTool, (tools, target, { project }, call) => tools.jiraMetrics(target, project, call)),
  sessionToolRun(trackIpTool, (tools, target, _args, call) => tools.trackIp(target, call)),
  sessionToolRun(getIpHistoryTool, (tools, target, _args, call) => tools.ipHistory(target, call)),
  sessionToolRun(closeSessionTool, (tools, target, _args, call) => tools.closeSession(target, call)),
  sessionToolRun(createJiraIssueTool, (tools, target, { summary, description, ip }, call) =>
    tools.createJiraIssue(target, { summary, description, ip }, call),
  ),
];
