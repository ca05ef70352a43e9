/** Latency samples and their summaries. Absolute times drift on shared machines; ratios within one run hold. */

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  mean: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: sorted.reduce((s, x) => s + x, 0) / (sorted.length || 1),
  };
}

export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Runs the variants in alternation (a, b, a, b, …) after a warm-up, so drift in the machine's load hits both
 * alike. Returns each variant's latencies in milliseconds.
 */
export async function interleaved(
  variants: Record<string, () => Promise<unknown>>,
  iterations: number,
  warmup: number,
): Promise<Record<string, number[]>> {
  const names = Object.keys(variants);
  for (let i = 0; i < warmup; i++) for (const name of names) await variants[name]!();
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < iterations; i++) {
    // Alternate the order too, so neither variant always runs right after the other.
    const order = i % 2 === 0 ? names : [...names].reverse();
    for (const name of order) samples[name]!.push(await timed(variants[name]!));
  }
  return samples;
}

/** Calls per second with `concurrency` callers sharing `total` calls. */
export async function throughput(call: () => Promise<unknown>, concurrency: number, total: number): Promise<number> {
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next += 1;
        await call();
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return total / seconds;
}

export const ms = (x: number) => `${x.toFixed(2)} ms`;

/** `concurrency` callers calling back to back for `durationMs`: every call's latency, in milliseconds. */
export async function sustained(
  call: () => Promise<unknown>,
  concurrency: number,
  durationMs: number,
): Promise<number[]> {
  const end = Date.now() + durationMs;
  const samples: number[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) samples.push(await timed(call));
    }),
  );
  return samples;
}
