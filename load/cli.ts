/** `npm run load`'s command line: its options and the usage text. */
import { parseArgs } from 'node:util';
import { FULL, QUICK, type Plan } from './plan';

const options = {
  quick: {
    type: 'boolean',
    default: false,
    description: `a short run: ${QUICK.sessions} sessions × ${QUICK.callsPerSession} calls, ${QUICK.financeCalls} Finance calls, ${QUICK.conversations} conversations`,
  },
  json: {
    type: 'boolean',
    default: false,
    description: 'also write load-results/load-<time>.json: the plan, every row and the first problems',
  },
  help: { type: 'boolean', short: 'h', default: false, description: 'print this text' },
} as const;

export type LoadArgs =
  | { kind: 'help'; text: string }
  | { kind: 'error'; message: string }
  | { kind: 'run'; plan: Plan; quick: boolean; json: boolean };

export function usage(): string {
  const flags = Object.entries(options).map(([name, o]) => ({
    flag: `${'short' in o ? `-${o.short}, ` : ''}--${name}`,
    description: o.description,
  }));
  const width = Math.max(...flags.map((f) => f.flag.length)) + 2;
  return [
    'Usage: npm run load -- [--quick] [--json]',
    '',
    'Puts the whole system under load on loopback: an in-memory Temporal dev server of its own, the real workers and',
    'MCP servers, then IT sessions over HTTP with handles, Finance calls and conversations (offline planner), every',
    "session's final state checked. Prints one table; exits non-zero on any error or mismatch.",
    '',
    `A full run: ${FULL.sessions} sessions × ${FULL.callsPerSession} calls, ${FULL.financeCalls} Finance calls, ${FULL.conversations} conversations; at most ${FULL.maxMinutes} minutes (${QUICK.maxMinutes} with --quick).`,
    '',
    'Options:',
    ...flags.map((f) => `  ${f.flag.padEnd(width)}${f.description}`),
    '',
  ].join('\n');
}

/** `argv` without the node and script paths. Never throws: a mistake comes back as a one-line message. */
export function parseLoadArgs(argv: string[]): LoadArgs {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options, strict: true }));
  } catch (err) {
    // Node's message is a paragraph with advice about `--`; its first sentence names the problem.
    const first = err instanceof Error ? err.message.split(/(?<=\.) /)[0]!.replace(/\.$/, '') : String(err);
    return { kind: 'error', message: `${first.charAt(0).toLowerCase()}${first.slice(1)}; see npm run load -- --help` };
  }
  if (values.help) return { kind: 'help', text: usage() };
  return { kind: 'run', plan: values.quick ? QUICK : FULL, quick: values.quick, json: values.json };
}
