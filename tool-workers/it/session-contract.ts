/**
 * The IT session workflow's contract: its state, input and messages (Signals, Queries), and what a watch starts with.
 * The tools' own schemas are ./contract.ts. Imported by the workflow (types and message definitions only: this file
 * must stay free of Node APIs), the session client, the MCP server and tests.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { IpObservation, IpRecord } from './contract';

export interface ItSessionState {
  session_id: string;
  jira_project: string | null;
  ip_history: IpRecord[];
  /** How many IPs were ever tracked; ip_history keeps the newest MAX_IP_HISTORY of them. */
  ip_history_total: number;
  created_at: string;
  last_used_at: string;
  /** Writes applied so far, across continue-as-new. */
  operations: number;
  /** Ids of recent writes, so a redelivered signal is applied once. */
  recent_request_ids: string[];
}

export interface ItSessionInput {
  sessionId: string;
  /** The session ends after this long without a write (or a touch). */
  idleTimeoutMs: number;
  /** Continue-as-new once the history has this many events (the server may suggest it earlier). */
  maxHistoryEvents?: number;
  /** The identity the session belongs to (the token subject that opened it), when the server authenticates. */
  owner?: string;
  /** Carried over by continue-as-new. */
  state?: ItSessionState;
  /** Carried over by continue-as-new, apart from the state so that reads do not carry them. */
  keyedWrites?: KeyedWriteRecord[];
}

export const MAX_IP_HISTORY = 1000;
/** Writes without a caller's key (a watch's own, unkeyed calls): ids kept only against a redelivered signal. */
export const RECENT_REQUEST_IDS = 256;

/**
 * A write made with the caller's idempotency key (MCP `_meta.idempotencyKey`, a Nexus request id): the tool and a
 * digest of its arguments, so a retry is told apart from the same key reused for something else, which is refused.
 */
export interface KeyedWrite {
  tool: string;
  argumentsDigest: string;
}
/** What the session keeps of a keyed write: `at` is the workflow time (ms) it was first applied. */
export interface KeyedWriteRecord extends KeyedWrite {
  requestId: string;
  at: number;
}
/**
 * How long, and for how many writes, a session holds its callers' keys. A key is honoured for the whole window: as
 * long as an MCP task is kept (24 h). When a session already holds this many keys of the window, a new keyed write is
 * refused rather than evicting one that could still be retried. Watches and unkeyed writes never count here.
 */
export const KEYED_WRITE_WINDOW_MS = 24 * 60 * 60 * 1000;
export const MAX_KEYED_WRITES = 1000;

/**
 * Every write is one Signal name, in order. Signals that reach a run before its handlers exist (a run's first
 * activation, or a replay whose tasks were force-failed by a burst of over 100 buffered events) are buffered per
 * name and drained name by name: with one name per write kind, writes of different kinds would be applied out of
 * order, and a redelivered write could slip past the de-duplication window.
 * `caller`: who asked for the write (the token subject); `onBehalfOf`: the person an agent acts for. Both for the Web UI.
 */
export type SessionWrite = (
  { kind: 'set_jira_project'; project: string } | { kind: 'record_ip'; observation: IpObservation }
) & { requestId: string; keyed?: KeyedWrite; caller?: string; onBehalfOf?: string };
export const sessionWriteSignal = defineSignal<[SessionWrite]>('sessionWrite');
/** The per-kind write Signals of earlier versions: still handled, so sessions they wrote keep working and replaying. */
export const setJiraProjectSignal =
  defineSignal<[{ project: string; requestId: string; caller?: string; onBehalfOf?: string }]>('setJiraProject');
export const recordIpSignal =
  defineSignal<[{ observation: IpObservation; requestId: string; caller?: string; onBehalfOf?: string }]>('recordIp');
/** Marks the session used (reads are queries and cannot). */
export const touchSignal = defineSignal('touch');
export const endSessionSignal = defineSignal<[{ reason: string }]>('endSession');
export const sessionStateQuery = defineQuery<ItSessionState>('sessionState');
/**
 * What the session holds for a keyed write's request id (null: none). Asked after the write's signal, it says whether
 * that write was applied (or an earlier one with the same tool and arguments), or refused as a conflict or a full window.
 */
export const keyedWriteQuery = defineQuery<KeyedWrite | null, [string]>('keyedWrite');

/** What the MCP server starts an IP watch with: the session to record into, by its workflow id, and the watch's pace. */
export interface IpWatchInput {
  /** The session's handle, as the caller knows it (for the result). */
  sessionId: string;
  /** The session workflow the observations are recorded into, with the same sessionWrite signal track_ip uses. */
  sessionWorkflowId: string;
  everySeconds: number;
  forMinutes: number;
  caller?: string;
  onBehalfOf?: string;
}
