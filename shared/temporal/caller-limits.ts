/**
 * Per-caller bounds on durable work, counted in Temporal: state lives there and servers scale out, so no replica's
 * memory knows how much a caller has running. The count is a visibility query of the caller's running workflows (ids
 * start with the caller's scoped prefix), which is eventually consistent: starts racing each other can pass the bound
 * by a few, a caller's single stream of starts cannot.
 */
import type { Client } from '@temporalio/client';

/** A bound as configured: how many, of what, and the setting that changes it (named in the refusal). */
export interface CallerLimit {
  max: number;
  /** Plural noun phrase: "open IT sessions", "running MCP tasks". */
  what: string;
  setting: string;
}

/** The caller already has `max` of these running: a new start is refused until one ends. */
export class CallerLimitReached extends Error {
  override name = 'CallerLimitReached';
  constructor(
    readonly limit: CallerLimit,
    readonly running: number,
  ) {
    super(
      `limit reached: ${limit.max} ${limit.what} per caller (${limit.setting}); ${running} running now. ` +
        'Wait for one to finish, or end one, then try again.',
    );
  }
}

/** What a count selects: running workflows on one task queue whose ids start with a prefix, optionally of some types. */
export interface RunningSelector {
  taskQueue: string;
  idPrefix: string;
  workflowTypes?: readonly string[];
}

// Prefixes, queues and types are the server's own names (caller scopes are hex digests), never client text; the
// check keeps a quote from ever reaching the query.
const SAFE = /^[A-Za-z0-9_.:/-]+$/;
function literal(value: string): string {
  if (!SAFE.test(value)) throw new Error(`not usable in a visibility query: ${JSON.stringify(value)}`);
  return `'${value}'`;
}

/** The visibility query for a selector (the dev server's SQLite visibility supports STARTS_WITH and IN). */
export function runningQuery({ taskQueue, idPrefix, workflowTypes }: RunningSelector): string {
  const parts = [
    `ExecutionStatus = 'Running'`,
    `TaskQueue = ${literal(taskQueue)}`,
    `WorkflowId STARTS_WITH ${literal(idPrefix)}`,
  ];
  if (workflowTypes) parts.push(`WorkflowType IN (${workflowTypes.map(literal).join(', ')})`);
  return parts.join(' AND ');
}

export async function countRunning(client: Client, selector: RunningSelector): Promise<number> {
  const { count } = await client.workflow.count(runningQuery(selector));
  return count;
}

/**
 * Refuses a new start when the caller already has `limit.max` running. `isExisting` is asked only at the bound: a start
 * that names work already there (a keyed repeat, a re-open of a running session) starts nothing new and passes.
 */
export async function checkCallerLimit(
  client: Client,
  limit: CallerLimit | undefined,
  selector: RunningSelector,
  isExisting?: () => Promise<boolean>,
): Promise<void> {
  if (!limit) return;
  const running = await countRunning(client, selector);
  if (running < limit.max) return;
  if (isExisting && (await isExisting())) return;
  throw new CallerLimitReached(limit, running);
}
