/**
 * The goals the bench holds (issue 31): each row's verdict at and just past its limit, floors and reported figures
 * never judged, a failed measurement never a pass, and the table's `met` column as docs/benchmarks.md shows it.
 */
import { describe, expect, it } from 'vitest';
import { FLOOR, GOALS, judge, REPORTED } from '../../bench/goals';
import { formatTable, type Row } from '../../bench/table';

describe('judge', () => {
  it.each([
    // row, a figure that meets the goal exactly, one just past it
    ['1d', 1.1, 1.11],
    ['2b', 1.1, 1.11],
    ['4b', 3, 3.01],
    ['5', 0.1, 0.101],
    ['6', 100, 100.1],
    ['6c', 100, 100.1],
    ['8', 1.05, 1.051],
  ] as const)('row %s holds up to %d and misses past it', (row, limit, past) => {
    expect(judge(GOALS[row], limit).met).toBe(true);
    expect(judge(GOALS[row], limit * 0.5).met).toBe(true);
    expect(judge(GOALS[row], past).met).toBe(false);
  });

  it.each([
    ['3', 1.3, 1.29],
    ['4 c=32', 0.8, 0.79],
  ] as const)('row %s holds from %d up and misses below it', (row, limit, below) => {
    expect(judge(GOALS[row], limit).met).toBe(true);
    expect(judge(GOALS[row], limit * 2).met).toBe(true);
    expect(judge(GOALS[row], below).met).toBe(false);
  });

  it('says in the target what each goal is', () => {
    expect(GOALS['1d'].target).toBe('p50 ≤ 1.1× the plain SDK v2 server');
    expect(GOALS['3'].target).toBe('≥ 1.3× faster');
    expect(GOALS['4 c=32'].target).toBe('≥ 0.8× bare');
    expect(GOALS['4b'].target).toBe('p99 ≤ 3× p50');
    expect(GOALS['5'].target).toBe('flat: RSS after round 3 within 10 % of after round 1');
    expect(GOALS['6'].target).toBe('p50 ≤ 100 ms');
    expect(GOALS['8'].target).toBe('p50 ≤ 1.05×');
  });

  it('never judges a floor or a reported figure, whatever it measured', () => {
    expect(judge(FLOOR, 5)).toEqual({ target: '(floor)', met: undefined });
    expect(judge(REPORTED, 0.1)).toEqual({ target: '(reported)', met: undefined });
    expect(judge(REPORTED)).toEqual({ target: '(reported)', met: undefined });
  });

  it('does not pass a figure that is missing or not a number', () => {
    for (const figure of [undefined, NaN, Infinity]) expect(judge(GOALS['6'], figure).met).toBe(false);
    // A ratio over an empty sample (NaN) must not pass an at-least goal either.
    expect(judge(GOALS['3'], NaN).met).toBe(false);
  });
});

describe('formatTable', () => {
  it("shows met as 'yes', 'NO', or blank for a floor or a reported figure", () => {
    const row = (goal: string, verdict: { target: string; met: boolean | undefined }): Row => ({
      goal,
      baseline: '',
      ours: '1 ms',
      ...verdict,
    });
    const table = formatTable([
      row('met', judge(GOALS['6'], 90)),
      row('missed', judge(GOALS['6'], 130)),
      row('floor', judge(FLOOR, 1)),
      row('reported', judge(REPORTED, 1)),
    ]);
    const lines = table.split('\n');
    expect(lines).toContain('| met |  | 1 ms |  | p50 ≤ 100 ms | yes |');
    expect(lines).toContain('| missed |  | 1 ms |  | p50 ≤ 100 ms | NO |');
    expect(lines).toContain('| floor |  | 1 ms |  | (floor) |  |');
    expect(lines).toContain('| reported |  | 1 ms |  | (reported) |  |');
  });
});
