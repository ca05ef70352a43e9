/** The load run's rows, the one table they are printed as, and the `--json` file. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Summary } from '../bench/stats';
import { machine } from '../bench/table';
import { projectRoot } from '../shared/config';

export interface Row {
  workload: string;
  calls: number;
  errors: number;
  latency?: Summary;
  perSecond?: number;
  wallSeconds?: number;
  checked?: string;
  mismatches?: number;
}

/** A markdown table, one row per workload and one per kind of call below it (`· kind`). */
export function formatTable(rows: readonly Row[], run: { totalSeconds: number; quick: boolean }): string {
  const fmt = (x?: number, digits = 1) => (x === undefined || Number.isNaN(x) ? '' : x.toFixed(digits));
  const lines = [
    `machine: ${machine()}; whole run ${run.totalSeconds.toFixed(0)} s${run.quick ? ' (--quick)' : ''}`,
    '',
    '| workload | calls | errors | p50 (ms) | p99 (ms) | throughput (calls/s) | wall (s) | state checked | mismatches |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.workload} | ${r.calls} | ${r.errors} | ${fmt(r.latency?.p50)} | ${fmt(r.latency?.p99)} | ${fmt(r.perSecond)} | ${fmt(r.wallSeconds, 0)} | ${r.checked ?? ''} | ${r.mismatches ?? ''} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

/** Errors of the workloads (a `· kind` row's are already in its workload's) and mismatches of all rows. */
export function totals(rows: readonly Row[]): { errors: number; mismatches: number } {
  return {
    errors: rows.filter((r) => !r.workload.startsWith('·')).reduce((s, r) => s + r.errors, 0),
    mismatches: rows.reduce((s, r) => s + (r.mismatches ?? 0), 0),
  };
}

/** The first problems each workload noted, one line per non-empty list, for stderr. */
export function detailLines(details: Record<string, Record<string, unknown>>): string[] {
  return Object.entries(details).flatMap(([workload, d]) =>
    Object.entries(d).flatMap(([key, list]) =>
      Array.isArray(list) && list.length
        ? [`load: ${workload} ${key} (first ${list.length}):\n  ${list.join('\n  ')}`]
        : [],
    ),
  );
}

/** `load-results/load-<time>.json`: the plan, every row, the details and the services' warning counts. Returns its path. */
export function writeResults(run: Record<string, unknown>): string {
  const dir = path.join(projectRoot, 'load-results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `load-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ machine: machine(), at: new Date().toISOString(), ...run }, null, 2));
  return file;
}
