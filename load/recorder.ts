/** Latencies and failures of each kind of call a workload makes, and the per-kind rows of its table. */
import { summarize } from '../bench/stats';
import type { Row } from './table';

export class Recorder {
  readonly samples = new Map<string, number[]>();
  readonly errors = new Map<string, number>();
  readonly firstErrors: string[] = [];

  async time<T>(kind: string, fn: () => Promise<T>): Promise<T> {
    const start = process.hrtime.bigint();
    try {
      const result = await fn();
      const list = this.samples.get(kind) ?? [];
      list.push(Number(process.hrtime.bigint() - start) / 1e6);
      this.samples.set(kind, list);
      return result;
    } catch (err) {
      this.fail(kind, err);
      throw err;
    }
  }

  fail(kind: string, err: unknown): void {
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1);
    if (this.firstErrors.length < 10)
      this.firstErrors.push(`${kind}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 400));
  }

  kinds(): string[] {
    return [...new Set([...this.samples.keys(), ...this.errors.keys()])];
  }

  all(): number[] {
    return [...this.samples.values()].flat();
  }

  errorCount(): number {
    return [...this.errors.values()].reduce((s, n) => s + n, 0);
  }

  /** The workload's own row: every call of every kind, over the workload's wall time. */
  row(workload: string, wallSeconds: number, check: { checked: string; mismatches: number }): Row {
    return {
      workload,
      calls: this.all().length + this.errorCount(),
      errors: this.errorCount(),
      latency: summarize(this.all()),
      perSecond: this.all().length / wallSeconds,
      wallSeconds,
      ...check,
    };
  }

  /** One `· kind` row per kind of call, below the workload's own row; throughput is that kind's share of the wall time. */
  kindRows(wallSeconds: number): Row[] {
    return this.kinds().map((kind) => {
      const samples = this.samples.get(kind) ?? [];
      return {
        workload: `· ${kind}`,
        calls: samples.length + (this.errors.get(kind) ?? 0),
        errors: this.errors.get(kind) ?? 0,
        latency: summarize(samples),
        perSecond: samples.length / wallSeconds,
      };
    });
  }
}
