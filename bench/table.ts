/** The bench's rows, and the one table (and `--json` file) they are printed as, whichever benches ran. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { projectRoot } from '../shared/config';
import type { Summary } from './stats';

export interface Row {
  goal: string;
  baseline: string;
  ours: string;
  base?: Summary;
  mine?: Summary;
  ratio?: number;
  target: string;
  /** Undefined for a figure reported with no target. */
  met?: boolean;
  note?: string;
}

/** A goal measured against its baseline: the ratio is ours / baseline at p50. */
export function pair(
  goal: string,
  baseline: string,
  ours: string,
  b: Summary,
  m: Summary,
  target: string,
  met: boolean | undefined,
  note?: string,
): Row {
  return { goal, baseline, ours, base: b, mine: m, ratio: m.p50 / b.p50, target, met, ...(note ? { note } : {}) };
}

export function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

/** A markdown table, as docs/benchmarks.md shows it. */
export function formatTable(rows: Row[]): string {
  const fmt = (s?: Summary) => (s ? `${s.p50.toFixed(2)} / ${s.p99.toFixed(2)}` : '');
  const lines = [
    `machine: ${machine()}`,
    '',
    '| goal | baseline p50 / p99 (ms) | ours p50 / p99 (ms) | ratio | target | met |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => {
      const base = r.base ? `${r.baseline}: ${fmt(r.base)}` : r.baseline;
      const mine = r.mine && r.base ? `${r.ours}: ${fmt(r.mine)}` : r.ours;
      const met = r.met === undefined ? '' : r.met ? 'yes' : 'NO';
      const ratio = r.ratio !== undefined ? r.ratio.toFixed(2) : '';
      return `| ${r.goal} | ${base} | ${mine}${r.note ? ` (${r.note})` : ''} | ${ratio} | ${r.target} | ${met} |`;
    }),
  ];
  return `${lines.join('\n')}\n`;
}

/** `bench-results/bench-<time>.json`: every row's figures and whether it met its target. Returns the file's path. */
export function writeResults(rows: Row[], run: { quick: boolean; benches: string[] }): string {
  const dir = path.join(projectRoot, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  // `met: null`: a reported figure with no target.
  const results = {
    machine: machine(),
    at: new Date().toISOString(),
    ...run,
    rows: rows.map((r) => ({ ...r, met: r.met ?? null })),
  };
  writeFileSync(file, JSON.stringify(results, null, 2));
  return file;
}
