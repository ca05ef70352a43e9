/**
 * `npm run load [-- --quick] [-- --json]`: the system under load, on loopback only, bounded in count and in time.
 * Starts its own in-memory Temporal dev server on free ports and the real workers and MCP servers as separate
 * processes (load/harness.ts), warms up, then runs the workloads of load/workloads.ts one after the other: IT sessions
 * with handles, Finance calls, conversations. MCP calls are raw 2026-07-28 POSTs over one pooled undici Agent.
 *
 * Prints a markdown table (errors, p50/p99, throughput, state mismatches); `--json` also writes
 * load-results/load-<time>.json. Exits non-zero on any error or mismatch. Not part of `npm test`.
 */
import { runMain } from '../shared/main';
import { parseLoadArgs } from './cli';
import { startLoadHarness } from './harness';
import { detailLines, formatTable, totals, writeResults, type Row } from './table';
import { workloads } from './workloads';

const say = (line: string) => process.stderr.write(`${line}\n`);
const args = parseLoadArgs(process.argv.slice(2));

if (args.kind === 'help') {
  process.stdout.write(args.text);
} else if (args.kind === 'error') {
  say(`load: ${args.message}`);
  process.exitCode = 2;
} else {
  const { plan, quick, json } = args;
  runMain('load', async () => {
    const runStart = Date.now();
    const run = await startLoadHarness({ plan, quick, say });
    const { harness } = run;
    const rows: Row[] = [];
    const details: Record<string, Record<string, unknown>> = {};
    let failed = false;
    let phase = 'start-up';
    const enter = (next: string) => run.setPhase((phase = next));
    try {
      await run.ready();
      enter('warm-up');
      say('load: warm-up');
      for (const workload of workloads) await workload.warmUp?.(harness);
      for (const [i, workload] of workloads.entries()) {
        enter(workload.phase);
        const result = await workload.run(harness, (line) => say(`load: ${i + 1}/${workloads.length} ${line}`));
        rows.push(...result.rows);
        details[workload.name] = result.details;
      }
    } catch (err) {
      failed = true;
      say(`load: stopped in ${phase}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    } finally {
      enter('shutdown');
      await run.close();
    }

    const totalSeconds = (Date.now() - runStart) / 1000;
    process.stdout.write(formatTable(rows, { totalSeconds, quick }));
    for (const [name, n] of run.warnings) say(`load: ${name} logged ${n} warning or error line(s)`);
    for (const line of detailLines(details)) say(line);
    const { errors, mismatches } = totals(rows);
    const ok = !failed && rows.length > 0 && errors === 0 && mismatches === 0;
    if (json) {
      const file = writeResults({
        quick,
        plan,
        totalSeconds,
        ok,
        rows,
        details,
        warnings: Object.fromEntries(run.warnings),
      });
      say(`load: wrote ${file}`);
    }
    // The dev server's log stays for a failed run.
    if (ok) run.discardServerData();
    else say(`load: the Temporal dev server's log: ${run.serverLog}`);
    say(
      ok
        ? 'load: 0 errors, 0 mismatches'
        : `load: FAILED (${errors} errors, ${mismatches} mismatches${failed ? ', the run stopped early' : ''})`,
    );
    process.exit(ok ? 0 : 1);
  });
}
