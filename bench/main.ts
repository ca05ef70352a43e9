/**
 * `npm run bench [-- --quick] [-- --json] [-- bench ...]`: the cost of durability and of MCP, side by side, in one
 * run. Starts what the chosen benches need (bench/harness.ts), warms up, then measures each goal against its baseline
 * in the same run, interleaved so that drift hits both alike, and prints one table. MCP calls are raw 2026-07-28
 * POSTs over keep-alive connections, the way a script sends them. The benches are listed in bench/benches.ts. Not
 * part of `npm test`.
 */
import { runMain } from '../shared/main';
import { benches } from './benches';
import { parseBenchArgs } from './cli';
import { startHarness, type Need } from './harness';
import { formatTable, writeResults, type Row } from './table';

const say = (line: string) => process.stderr.write(`${line}\n`);
const args = parseBenchArgs(process.argv.slice(2), benches);

if (args.kind === 'help') {
  process.stdout.write(args.text);
} else if (args.kind === 'error') {
  say(`bench: ${args.message}`);
  process.exitCode = 2;
} else {
  const { benches: chosen, quick, json } = args;
  runMain('bench', async () => {
    const needs = new Set<Need>(chosen.flatMap((b) => b.needs));
    const { harness, close } = await startHarness({ needs, quick, say });
    const rows: Row[] = [];
    try {
      for (const [i, bench] of chosen.entries()) {
        say(`bench: ${i + 1}/${chosen.length} ${bench.name}: ${bench.description}`);
        rows.push(...(await bench.run(harness)));
      }
    } catch (err) {
      // Minutes of figures are worth keeping when a later bench fails.
      if (rows.length > 0) process.stdout.write(formatTable(rows));
      throw err;
    } finally {
      await close();
    }
    process.stdout.write(formatTable(rows));
    if (json) say(`bench: wrote ${writeResults(rows, { quick, benches: chosen.map((b) => b.name) })}`);
  });
}
