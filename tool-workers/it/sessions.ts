/**
 * IT sessions as Temporal workflows. A session is named by a handle the server mints (128 random bits, base64url),
 * and its workflow id is `it-session-<callerScope>-<handle>`: the handle names one session workflow on any replica and
 * after any restart, and only inside its caller's scope, so another caller (or a forged handle) finds nothing.
 *
 * Writes are Signals (signal-with-start only when the session is being opened), reads are Queries that refuse closed
 * runs. Both fail on an unknown or ended session by themselves: no describe on the tool path.
 * A 2025-era Mcp-Session-Id is such a handle too; stdio's IT_SESSION_ID names its process's session.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  QueryRejectedError,
  WorkflowClient,
  WorkflowNotFoundError,
  type Client,
  type SignalDefinition,
} from '@temporalio/client';
import {
  endSessionSignal,
  keyedWriteQuery,
  sessionStateQuery,
  sessionWriteSignal,
  touchSignal,
  type ItSessionInput,
  type ItSessionState,
  type KeyedWrite,
} from './session-contract';
import { SESSION_HANDLE_PATTERN } from '../../shared/tools/session-handle';
import type { IpObservation } from './contract';
import type { itSessionWorkflow } from './workflows';
import { callerScope, idDigest, type CallerIdentity } from '../../shared/caller-scope';
import { BoundedMap } from '../../shared/bounded-map';
import { checkCallerLimit, type CallerLimit } from '../../shared/temporal/caller-limits';

export function itSessionWorkflowId(handle: string, owner?: string): string {
  return `${itSessionIdPrefix(owner)}${handle}`;
}

/** What every session workflow id of this caller starts with: how their open sessions are counted. */
export function itSessionIdPrefix(owner?: string): string {
  return `it-session-${callerScope(owner)}-`;
}

/** The handle names no open session of this caller: never existed, ended (idle or closed), or someone else's. */
export class SessionNotFound extends Error {
  override name = 'SessionNotFound';
  constructor(readonly handle: string) {
    super(`IT session ${JSON.stringify(handle)} not found`);
  }
}

/** Caller fields that are set, so a signal without an identity carries no empty keys. */
function definedOnly(who: CallerIdentity): CallerIdentity {
  return Object.fromEntries(Object.entries(who).filter(([, v]) => v !== undefined));
}

export interface ItSessionsOptions {
  client: Client;
  taskQueue: string;
  idleTimeoutMs: number;
  maxHistoryEvents?: number;
  /** How many sessions one caller may have open; opening one more is refused (CallerLimitReached). Default: no bound. */
  openLimit?: CallerLimit;
  /** How many sessions' last touch this process remembers (one entry per session it served lately). */
  maxTracked?: number;
}

/** How a write reaches its session: an existing one only, or opening it when it is new (or has ended). */
export interface WriteOptions {
  requestId?: string;
  /** A write made with the caller's key: what it is bound to (session-tools.ts). */
  keyed?: KeyedWrite;
  who?: CallerIdentity;
  open?: boolean;
}

const TOUCH_EVERY_MS = 60_000;
const CLOSE_WAIT_MS = 5_000;

/** The IT sessions' client: what the MCP server (also its 2025-era session store) and the Nexus handlers use. */
export class ItSessions {
  /** When this process last touched each session it served: the least recent are forgotten first (a forgotten one is touched again on its next read). */
  private readonly lastTouch: BoundedMap<string, number>;
  /** Reads are refused by the server once a run has closed, so an ended session never answers with its old state. */
  private readonly workflows: WorkflowClient;

  constructor(private readonly opts: ItSessionsOptions) {
    this.lastTouch = new BoundedMap(opts.maxTracked ?? 10_000);
    this.workflows = new WorkflowClient({
      connection: opts.client.connection,
      namespace: opts.client.options.namespace,
      queryRejectCondition: 'NOT_OPEN',
    });
  }

  /** A fresh, unguessable handle. */
  mint(): string {
    return randomBytes(16).toString('base64url');
  }

  /**
   * The handle a keyed first write opens: 132 bits of SHA-256 of (caller scope, tool, key), so a retried call opens the
   * same session. Only as guessable as the caller's own key, and only ever inside the caller's own scope.
   */
  handleFor(tool: string, caller: string | undefined, idempotencyKey: string): string {
    return idDigest('handle', `${callerScope(caller)}:${tool}:${idempotencyKey}`);
  }

  private handle(sessionId: string, owner?: string) {
    return this.workflows.getHandle<typeof itSessionWorkflow>(itSessionWorkflowId(sessionId, owner));
  }

  private input(sessionId: string, owner?: string): ItSessionInput {
    return {
      sessionId,
      idleTimeoutMs: this.opts.idleTimeoutMs,
      maxHistoryEvents: this.opts.maxHistoryEvents,
      ...(owner ? { owner } : {}),
    };
  }

  private async signal<Args extends any[]>(
    sessionId: string,
    signal: SignalDefinition<Args>,
    args: Args,
    owner: string | undefined,
    open: boolean,
  ): Promise<void> {
    if (!open) {
      try {
        await this.handle(sessionId, owner).signal(signal, ...args);
        return;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw new SessionNotFound(sessionId);
        throw err;
      }
    }
    // Only a new session counts against the bound: re-opening one that is still running (stdio's own, a keyed retry)
    // starts nothing.
    await checkCallerLimit(
      this.opts.client,
      this.opts.openLimit,
      { taskQueue: this.opts.taskQueue, idPrefix: itSessionIdPrefix(owner) },
      () => this.running(sessionId, owner),
    );
    // Signal-with-start: the first message to a session creates its workflow. The SDK's conditional option types
    // cannot follow a generic Args; the definitions above fix each signal's shape.
    await this.workflows.signalWithStart<typeof itSessionWorkflow, [unknown]>('itSessionWorkflow', {
      workflowId: itSessionWorkflowId(sessionId, owner),
      taskQueue: this.opts.taskQueue,
      args: [this.input(sessionId, owner)],
      signal: signal.name,
      signalArgs: args as unknown as [unknown],
      // For people reading the Web UI; the binding itself is the caller scope in the workflow id.
      memo: { owner: owner ?? null },
      staticSummary: `IT session ${sessionId}${owner ? ` of ${owner}` : ''}`,
    });
  }

  /** Opens (or, for a chosen id such as IT_SESSION_ID, re-opens) a session and returns its handle. */
  async open(owner?: string, sessionId: string = this.mint()): Promise<string> {
    await this.signal(sessionId, touchSignal, [], owner, true);
    this.lastTouch.set(itSessionWorkflowId(sessionId, owner), Date.now());
    return sessionId;
  }

  /** Live and this caller's. The 2025-era leg asks this once per request; tool calls never do. */
  async exists(sessionId: string, owner?: string): Promise<boolean> {
    if (!SESSION_HANDLE_PATTERN.test(sessionId)) return false;
    return this.running(sessionId, owner);
  }

  private async running(sessionId: string, owner?: string): Promise<boolean> {
    try {
      const { status } = await this.handle(sessionId, owner).describe();
      return status.name === 'RUNNING';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }

  /**
   * Ends the session and waits until its workflow has closed, so every replica answers not-found from then on. The
   * workflow ends itself on the signal; if no worker does that in time, the session is terminated instead.
   */
  async close(sessionId: string, owner?: string): Promise<boolean> {
    if (!SESSION_HANDLE_PATTERN.test(sessionId)) return false;
    const handle = this.handle(sessionId, owner);
    try {
      await handle.signal(endSessionSignal, { reason: 'deleted' });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
    this.lastTouch.delete(itSessionWorkflowId(sessionId, owner));
    const ended = await Promise.race([
      handle.result().then(
        () => true,
        () => true,
      ),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), CLOSE_WAIT_MS).unref()),
    ]);
    if (!ended) await handle.terminate('session deleted; no worker ended it in time').catch(() => undefined);
    return true;
  }

  async setJiraProject(
    sessionId: string,
    project: string,
    { requestId = randomUUID(), keyed, who = {}, open = false }: WriteOptions = {},
  ): Promise<void> {
    await this.signal(
      sessionId,
      sessionWriteSignal,
      [{ kind: 'set_jira_project', project, requestId, ...(keyed ? { keyed } : {}), ...definedOnly(who) }],
      who.caller,
      open,
    );
  }

  async recordIp(
    sessionId: string,
    observation: IpObservation,
    { requestId = randomUUID(), keyed, who = {}, open = false }: WriteOptions = {},
  ): Promise<void> {
    await this.signal(
      sessionId,
      sessionWriteSignal,
      [{ kind: 'record_ip', observation, requestId, ...(keyed ? { keyed } : {}), ...definedOnly(who) }],
      who.caller,
      open,
    );
  }

  /** What the session holds for a keyed write's request id; asked after its signal, so it sees that signal. */
  async keyedWrite(sessionId: string, requestId: string, owner?: string): Promise<KeyedWrite | null> {
    try {
      return await this.handle(sessionId, owner).query(keyedWriteQuery, requestId);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError || err instanceof QueryRejectedError)
        throw new SessionNotFound(sessionId);
      throw err;
    }
  }

  /** Strongly consistent: a query after a signal's acknowledgement sees that signal. */
  async state(sessionId: string, owner?: string): Promise<ItSessionState> {
    if (!SESSION_HANDLE_PATTERN.test(sessionId)) throw new SessionNotFound(sessionId);
    try {
      const state = await this.handle(sessionId, owner).query(sessionStateQuery);
      this.touchNowAndThen(sessionId, owner);
      return state;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError || err instanceof QueryRejectedError)
        throw new SessionNotFound(sessionId);
      throw err;
    }
  }

  /** Reads count as use for the idle timer; one touch a minute per session is enough to say so. */
  private touchNowAndThen(sessionId: string, owner?: string): void {
    const id = itSessionWorkflowId(sessionId, owner);
    const now = Date.now();
    if (now - (this.lastTouch.get(id) ?? 0) < TOUCH_EVERY_MS) return;
    this.lastTouch.set(id, now);
    this.handle(sessionId, owner)
      .signal(touchSignal)
      .catch(() => this.lastTouch.delete(id));
  }
}
