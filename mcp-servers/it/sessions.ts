/**
 * IT sessions as Temporal workflows: the Mcp-Session-Id (or a stdio session key) names one long-running
 * `itSessionWorkflow`. Writes are signal-with-start, reads are queries, so every replica of the IT server sees the
 * same state and a restarted server keeps serving the sessions it never saw created.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type Client, type SignalDefinition } from '@temporalio/client';
import {
  endSessionSignal,
  itSessionWorkflowId,
  recordIpSignal,
  sessionStateQuery,
  setJiraProjectSignal,
  touchSignal,
  type IpRecord,
  type ItSessionInput,
  type ItSessionState,
} from '../../tool-workers/it/shared';
import type { itSessionWorkflow } from '../../tool-workers/it/workflows';
import type { CallerIdentity } from '../shared/tool-workflows';
import type { SessionStore } from '../transports/http';

/** Caller fields that are set, so a signal without an identity carries no empty keys. */
function definedOnly(who: CallerIdentity): CallerIdentity {
  return Object.fromEntries(Object.entries(who).filter(([, v]) => v !== undefined));
}

export interface ItSessionsOptions {
  client: Client;
  taskQueue: string;
  idleTimeoutMs: number;
  maxHistoryEvents?: number;
}

const TOUCH_EVERY_MS = 60_000;
const MAX_SESSION_ID_LENGTH = 128;
const CLOSE_WAIT_MS = 5_000;

export class ItSessions implements SessionStore {
  private readonly lastTouch = new Map<string, number>();

  constructor(private readonly opts: ItSessionsOptions) {}

  private handle(sessionId: string) {
    return this.opts.client.workflow.getHandle<typeof itSessionWorkflow>(itSessionWorkflowId(sessionId));
  }

  private input(sessionId: string, owner?: string): ItSessionInput {
    return { sessionId, idleTimeoutMs: this.opts.idleTimeoutMs, maxHistoryEvents: this.opts.maxHistoryEvents, ...(owner ? { owner } : {}) };
  }

  /** Signal-with-start: the first message to a session creates its workflow. */
  private async signal<Args extends any[]>(sessionId: string, signal: SignalDefinition<Args>, args: Args, owner?: string): Promise<void> {
    // The SDK's conditional option types cannot follow a generic Args; the definitions above fix each signal's shape.
    await this.opts.client.workflow.signalWithStart<typeof itSessionWorkflow, [unknown]>('itSessionWorkflow', {
      workflowId: itSessionWorkflowId(sessionId),
      taskQueue: this.opts.taskQueue,
      args: [this.input(sessionId, owner)],
      signal: signal.name,
      signalArgs: args as unknown as [unknown],
      // The owner is set when the session starts and never changes: it binds the session to one identity.
      memo: { owner: owner ?? null },
      staticSummary: `IT session ${sessionId}${owner ? ` of ${owner}` : ''}`,
    });
  }

  async open(sessionId: string = randomUUID(), owner?: string): Promise<string> {
    await this.signal(sessionId, touchSignal, [], owner);
    this.lastTouch.set(sessionId, Date.now());
    return sessionId;
  }

  /** Live and owned by `owner` (sessions opened without auth have no owner, and match only callers without one). */
  async exists(sessionId: string, owner?: string): Promise<boolean> {
    if (sessionId.length > MAX_SESSION_ID_LENGTH) return false;
    try {
      const { status, memo } = await this.handle(sessionId).describe();
      return status.name === 'RUNNING' && (memo?.owner ?? null) === (owner ?? null);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }

  /**
   * Ends the session and waits until its workflow has closed, so every replica answers 404 from then on. The
   * workflow ends itself on the signal; if no worker does that in time, the session is terminated instead.
   */
  async close(sessionId: string, owner?: string): Promise<boolean> {
    if (!(await this.exists(sessionId, owner))) return false;
    const handle = this.handle(sessionId);
    await handle.signal(endSessionSignal, { reason: 'deleted' });
    this.lastTouch.delete(sessionId);
    const ended = await Promise.race([
      handle.result().then(() => true, () => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), CLOSE_WAIT_MS).unref()),
    ]);
    if (!ended) await handle.terminate('session deleted; no worker ended it in time').catch(() => undefined);
    return true;
  }

  async setJiraProject(sessionId: string, project: string, requestId: string = randomUUID(), who: CallerIdentity = {}): Promise<void> {
    await this.signal(sessionId, setJiraProjectSignal, [{ project, requestId, ...definedOnly(who) }], who.caller);
  }

  async recordIp(sessionId: string, observation: Omit<IpRecord, 'tracked_at'>, requestId: string = randomUUID(), who: CallerIdentity = {}): Promise<void> {
    await this.signal(sessionId, recordIpSignal, [{ observation, requestId, ...definedOnly(who) }], who.caller);
  }

  /** Strongly consistent: a query after a signal's acknowledgement sees that signal. */
  async state(sessionId: string): Promise<ItSessionState> {
    this.touchNowAndThen(sessionId);
    return this.handle(sessionId).query(sessionStateQuery);
  }

  /** Reads count as use for the idle timer; one touch a minute per session is enough to say so. */
  private touchNowAndThen(sessionId: string): void {
    const now = Date.now();
    if (now - (this.lastTouch.get(sessionId) ?? 0) < TOUCH_EVERY_MS) return;
    this.lastTouch.set(sessionId, now);
    this.handle(sessionId).signal(touchSignal).catch(() => this.lastTouch.delete(sessionId));
  }
}
