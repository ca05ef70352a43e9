/**
 * IT workflows.
 * - `itSessionWorkflow`: one per session, long-running. Writes arrive as Signals, reads are Queries; it keeps its
 *   history bounded with continue-as-new and ends when idle or when its session is deleted.
 * - `ipLookupWorkflow`, `jiraMetricsWorkflow`: one short workflow per lookup, whose activity does the I/O.
 * - `createJiraIssueWorkflow`: one per create_jira_issue call, its id from the caller's key: the call's one issue.
 */
import {
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  makeContinueAsNewFunc,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import { taskProgressQuery, type TaskProgress } from '../../shared/tools/task-progress';
import type { ItActivities } from './activities';
import {
  endSessionSignal,
  KEYED_WRITE_WINDOW_MS,
  keyedWriteQuery,
  MAX_IP_HISTORY,
  MAX_KEYED_WRITES,
  RECENT_REQUEST_IDS,
  recordIpSignal,
  sessionStateQuery,
  sessionWriteSignal,
  setJiraProjectSignal,
  touchSignal,
  type IpWatchInput,
  type ItSessionInput,
  type ItSessionState,
  type KeyedWrite,
} from './session-contract';
import type { IpObservation, IpRecord, IpWatchResult, JiraIssueRequest } from './contract';

const DEFAULT_MAX_HISTORY_EVENTS = 2000;

const { lookupIp, fetchJiraMetrics, createJiraIssue } = proxyActivities<ItActivities>({
  startToCloseTimeout: '15 seconds',
  scheduleToCloseTimeout: '45 seconds',
  retry: {
    initialInterval: '500 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '5 seconds',
    maximumAttempts: 3,
  },
});

export async function ipLookupWorkflow(): ReturnType<ItActivities['lookupIp']> {
  return lookupIp();
}

export async function jiraMetricsWorkflow(input: { project: string }): ReturnType<ItActivities['fetchJiraMetrics']> {
  return fetchJiraMetrics(input);
}

/**
 * Files one issue. The activity's retries (and an attempt on another worker after a kill) look for the issue an
 * earlier attempt filed before filing; the result, once recorded here, is what every repeat of the call reads.
 */
export async function createJiraIssueWorkflow(request: JiraIssueRequest): ReturnType<ItActivities['createJiraIssue']> {
  return createJiraIssue(request);
}

export type ItSessionEnd = { reason: 'idle' | 'deleted'; state: ItSessionState };

export async function itSessionWorkflow(input: ItSessionInput): Promise<ItSessionEnd> {
  const now = () => new Date().toISOString(); // workflow time: deterministic on replay
  const state: ItSessionState = input.state ?? {
    session_id: input.sessionId,
    jira_project: null,
    ip_history: [],
    ip_history_total: 0,
    created_at: now(),
    last_used_at: now(),
    operations: 0,
    recent_request_ids: [],
  };
  const keyedWrites = input.keyedWrites ?? [];
  let activity = 0;
  let ended: string | undefined;

  /** Applies a write once per request id, however often its signal is delivered. */
  function write(requestId: string | undefined, apply: () => void): void {
    activity++;
    state.last_used_at = now();
    if (requestId !== undefined) {
      if (state.recent_request_ids.includes(requestId)) return;
      state.recent_request_ids.push(requestId);
      if (state.recent_request_ids.length > RECENT_REQUEST_IDS) state.recent_request_ids.shift();
    }
    apply();
    state.operations++;
  }

  /**
   * A write made with a caller's key: applied once per request id for the whole window, bound to its tool and
   * arguments. A repeat, a reuse for another tool or arguments, and a write beyond the window's capacity change
   * nothing; the caller's keyedWrite query tells which it was. Writes without `keyed` (all of them before keys were
   * bound) take `write` above, so histories recorded before replay as they did.
   */
  function keyedWrite(requestId: string, keyed: KeyedWrite, apply: () => void): void {
    activity++;
    if (keyedWrites.some((r) => r.requestId === requestId)) return;
    const at = Date.now(); // workflow time
    // Keyed before keys were bound: its arguments are unknown, so the first write to present the key claims it.
    const claimed = state.recent_request_ids.includes(requestId);
    while (keyedWrites.length > 0 && keyedWrites[0]!.at <= at - KEYED_WRITE_WINDOW_MS) keyedWrites.shift();
    if (!claimed && keyedWrites.length >= MAX_KEYED_WRITES) return;
    keyedWrites.push({ requestId, tool: keyed.tool, argumentsDigest: keyed.argumentsDigest, at });
    if (claimed) return;
    state.last_used_at = now();
    apply();
    state.operations++;
  }

  const setJiraProject = (project: string) => (state.jira_project = project);
  const recordIp = (observation: IpObservation) => {
    state.ip_history.push({ ...observation, tracked_at: now() });
    state.ip_history_total++;
    if (state.ip_history.length > MAX_IP_HISTORY) state.ip_history.splice(0, state.ip_history.length - MAX_IP_HISTORY);
  };
  setHandler(sessionWriteSignal, (w) => {
    const apply = () => (w.kind === 'set_jira_project' ? setJiraProject(w.project) : recordIp(w.observation));
    if (w.keyed) keyedWrite(w.requestId, w.keyed, apply);
    else write(w.requestId, apply);
  });
  setHandler(setJiraProjectSignal, ({ project, requestId }) => write(requestId, () => setJiraProject(project)));
  setHandler(recordIpSignal, ({ observation, requestId }) => write(requestId, () => recordIp(observation)));
  setHandler(touchSignal, () => {
    activity++;
    state.last_used_at = now();
  });
  setHandler(endSessionSignal, ({ reason }) => {
    ended = reason;
  });
  setHandler(sessionStateQuery, () => state);
  setHandler(keyedWriteQuery, (requestId) => {
    const record = keyedWrites.find((r) => r.requestId === requestId);
    return record ? { tool: record.tool, argumentsDigest: record.argumentsDigest } : null;
  });

  const maxEvents = input.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS;
  for (;;) {
    const seen = activity;
    const active = await condition(() => activity !== seen || ended !== undefined, input.idleTimeoutMs);
    if (ended !== undefined) return { reason: 'deleted', state };
    if (!active) return { reason: 'idle', state };
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength >= maxEvents) {
      // Let signal handlers finish, then start afresh with the state carried over.
      await condition(allHandlersFinished);
      // The owner memo binds the session to its identity; it must survive into the next run.
      return makeContinueAsNewFunc<typeof itSessionWorkflow>({ memo: { owner: input.owner ?? null } })({
        ...input,
        state,
        keyedWrites,
      });
    }
  }
}

/**
 * watch_ip: looks the IP up every `everySeconds` for `forMinutes`, recording each observation into the session with
 * the session's own write signal (so get_ip_history shows them). Each write carries a request id derived from this
 * workflow and the check number, so a retried signal is applied once. A timer between checks, an activity per check:
 * cancelling the workflow stops both, and nothing more is recorded.
 */
export async function ipWatchWorkflow(input: IpWatchInput): Promise<IpWatchResult> {
  const session = getExternalWorkflowHandle(input.sessionWorkflowId);
  const everyMs = input.everySeconds * 1000;
  const endsAt = Date.now() + input.forMinutes * 60_000; // workflow time
  const total = Math.floor((input.forMinutes * 60_000) / everyMs) + 1;
  const observations: IpRecord[] = [];
  let changes = 0;
  let progress: TaskProgress = {
    message: 'Watching the IP: first lookup pending',
    progress: 0,
    total,
    updatedAt: new Date().toISOString(),
  };
  setHandler(taskProgressQuery, () => progress);
  const who = {
    ...(input.caller ? { caller: input.caller } : {}),
    ...(input.onBehalfOf ? { onBehalfOf: input.onBehalfOf } : {}),
  };

  for (let checks = 1; ; checks++) {
    const observation = await lookupIp();
    const previous = observations.at(-1);
    if (previous && previous.ip !== observation.ip) changes++;
    observations.push({ ...observation, tracked_at: new Date().toISOString() });
    await session.signal(sessionWriteSignal, {
      kind: 'record_ip',
      observation,
      requestId: `${workflowInfo().workflowId}-${checks}`,
      ...who,
    });
    progress = {
      // No handle: this line is copied to task status, progress notifications and a follower's heartbeat details.
      message: `${checks} lookup${checks === 1 ? '' : 's'} recorded in the session: now ${observation.ip} (${observation.source}), ${changes} change${changes === 1 ? '' : 's'}`,
      progress: checks,
      total,
      updatedAt: new Date().toISOString(),
    };
    const left = endsAt - Date.now();
    if (left <= 0) return { session_id: input.sessionId, checks, changes, observations };
    await sleep(Math.min(everyMs, left));
  }
}

/** The durable pending call of a tool call that waits for approval over MCP (shared/tools/pending-approval.ts). */
export { pendingApprovalWorkflow } from '../../shared/tools/pending-approval-workflow';
