/**
 * The goals the bench holds (issue 31), by row, in one place: docs/benchmarks.md lists the same. A row
 * without a goal here is reported with no target; the floors (0, 0b) are shown as floors, never as misses.
 */

export interface Goal {
  /** What the table's target column says. */
  target: string;
  /** Whether a measured figure meets it; absent for a floor or a figure that is only reported. */
  holds?: (figure: number) => boolean;
}

export interface Verdict {
  target: string;
  /** Undefined for a floor or a reported figure. */
  met: boolean | undefined;
}

export const FLOOR: Goal = { target: '(floor)' };
export const REPORTED: Goal = { target: '(reported)' };

const atMost = (target: string, limit: number): Goal => ({ target, holds: (x) => x <= limit });
const atLeast = (target: string, limit: number): Goal => ({ target, holds: (x) => x >= limit });

/** Allowed RSS change from the first round to the last, as a fraction of the first (row 5). */
export const RSS_FLAT = 0.1;

/** Each goal, and the figure its row passes to `judge`. */
export const GOALS = {
  /** Ours / a plain SDK v2 server making the same execute, p50. */
  '1d': atMost('p50 ≤ 1.1× the plain SDK v2 server', 1.1),
  /** Ours / a plain SDK v2 server making the same Signal or Query, p50. */
  '2b': atMost('p50 ≤ 1.1× the plain SDK v2 server', 1.1),
  /** Official / pooled, p50. */
  '3': atLeast('≥ 1.3× faster', 1.3),
  /** tools/call calls/s / bare execute calls/s, at concurrency 32. */
  '4 c=32': atLeast('≥ 0.8× bare', 0.8),
  /** p99 / p50. */
  '4b': atMost('p99 ≤ 3× p50', 3),
  /** |RSS after the last round − after the first| / after the first, sessions closed. */
  '5': atMost(`flat: RSS after round 3 within ${RSS_FLAT * 100} % of after round 1`, RSS_FLAT),
  /** p50 in ms. */
  '6': atMost('p50 ≤ 100 ms', 100),
  '6c': atMost('p50 ≤ 100 ms', 100),
  /** Tracing on / off, p50. */
  '8': atMost('p50 ≤ 1.05×', 1.05),
} satisfies Record<string, Goal>;

/**
 * The target column and `met` for a row: undefined for a floor or a reported figure; otherwise whether `figure`
 * meets the goal, and false for a figure that is missing or not a number (a measurement that failed is no pass).
 */
export function judge(goal: Goal, figure?: number): Verdict {
  if (!goal.holds) return { target: goal.target, met: undefined };
  return { target: goal.target, met: figure !== undefined && Number.isFinite(figure) && goal.holds(figure) };
}
