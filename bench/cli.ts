/** `npm run bench`'s command line: options, bench names, and the usage text. */
import { parseArgs } from 'node:util';
import type { Bench } from './harness';

const options = {
  quick: { type: 'boolean', default: false, description: 'a short run: a quarter of the samples (at least 10 each)' },
  json: {
    type: 'boolean',
    default: false,
    description: 'also write bench-results/bench-<time>.json: every row, and whether it met its target',
  },
  help: { type: 'boolean', short: 'h', default: false, description: 'print this text' },
} as const;

export type BenchArgs =
  | { kind: 'help'; text: string }
  | { kind: 'error'; message: string }
  | { kind: 'run'; benches: Bench[]; quick: boolean; json: boolean };

export function usage(benches: readonly Bench[]): string {
  const width = Math.max(...benches.map((b) => b.name.length)) + 2;
  return [
    'Usage: npm run bench -- [--quick] [--json] [bench ...]',
    '',
    'Measures each goal against its baseline, side by side in one run, and prints one table. Starts an in-memory',
    'Temporal dev server (or uses TEMPORAL_ADDRESS) and only the processes the chosen benches need. With no bench',
    'named, runs all of them; named ones run in this order:',
    '',
    ...benches.map((b) => `  ${b.name.padEnd(width)}${b.description}`),
    '',
    "finance and it state their floors from mcp-layer's figures, which are measured for them when mcp-layer is not named.",
    '',
    'Options:',
    ...Object.entries(options).map(
      ([name, o]) => `  ${`${'short' in o ? `-${o.short}, ` : ''}--${name}`.padEnd(width)}${o.description}`,
    ),
    '',
    'Example: npm run bench -- --quick finance it',
    '',
  ].join('\n');
}

/** `argv` without the node and script paths. Never throws: a mistake comes back as a one-line message. */
export function parseBenchArgs(argv: string[], benches: readonly Bench[]): BenchArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    // Node's message is a paragraph with advice about `--`; its first sentence names the problem.
    const first = err instanceof Error ? err.message.split(/(?<=\.) /)[0]!.replace(/\.$/, '') : String(err);
    const message = first.charAt(0).toLowerCase() + first.slice(1);
    return { kind: 'error', message: `${message}; see npm run bench -- --help` };
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help', text: usage(benches) };
  const known = new Set(benches.map((b) => b.name));
  const unknown = positionals.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    const list = unknown.map((name) => `"${name}"`).join(', ');
    return {
      kind: 'error',
      message: `unknown bench${unknown.length > 1 ? 'es' : ''} ${list}; the benches are ${[...known].join(', ')} (see --help)`,
    };
  }
  const chosen = new Set(positionals);
  return {
    kind: 'run',
    benches: benches.filter((b) => chosen.size === 0 || chosen.has(b.name)),
    quick: values.quick,
    json: values.json,
  };
}
