/**
 * `npm run load`'s command line: the plan each option chooses, the usage text, and one-line errors for mistakes, both
 * as the parser returns them and as the real entry point prints them (a subprocess; these exit before anything starts).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseLoadArgs } from '../../load/cli';
import { FULL, QUICK } from '../../load/plan';
import { projectRoot } from '../../shared/config';

describe('parseLoadArgs', () => {
  it('runs the full plan with no option', () => {
    expect(parseLoadArgs([])).toEqual({ kind: 'run', plan: FULL, quick: false, json: false });
  });

  it('runs the quick plan for --quick, and writes the results for --json', () => {
    expect(parseLoadArgs(['--json', '--quick'])).toEqual({ kind: 'run', plan: QUICK, quick: true, json: true });
  });

  it('prints the usage with every option for --help and -h', () => {
    const args = parseLoadArgs(['--quick', '--help']);
    expect(args.kind).toBe('help');
    const text = (args as { text: string }).text;
    expect(text).toMatch(/^Usage: npm run load -- \[--quick\] \[--json\]\n/);
    for (const option of ['--quick', '--json', '-h, --help'])
      expect(text).toMatch(new RegExp(`^  ${option} +\\S`, 'm'));
    expect(parseLoadArgs(['-h'])).toEqual(args);
  });

  it('names an unknown option, a value given to a flag, and a stray argument in one line', () => {
    expect(parseLoadArgs(['--fast'])).toEqual({
      kind: 'error',
      message: "unknown option '--fast'; see npm run load -- --help",
    });
    expect(parseLoadArgs(['--json=yes'])).toEqual({
      kind: 'error',
      message: "option '--json' does not take an argument; see npm run load -- --help",
    });
    expect(parseLoadArgs(['quick'])).toEqual({
      kind: 'error',
      message: "unexpected argument 'quick'; see npm run load -- --help",
    });
  });
});

describe('npm run load entry point', () => {
  const runLoad = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'load/main.ts', ...args], {
      cwd: projectRoot,
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('prints the usage for --help and exits 0', () => {
    const result = runLoad('--help');
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Usage: npm run load -- /);
    expect(result.stdout).toMatch(/^ {2}--quick +\S/m);
  });

  it('exits 2 with one line, no stack trace, for an unknown option', () => {
    const result = runLoad('--quick', '--verbose');
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe("load: unknown option '--verbose'; see npm run load -- --help\n");
  });
});
