/**
 * `npm run bench`'s command line: choosing benches, the usage text, and one-line errors for mistakes, both as the
 * parser returns them and as the real entry point prints them (a subprocess; these exit before anything starts).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../../bench/cli';
import type { Bench } from '../../bench/harness';
import { projectRoot } from '../../shared/config';

const bench = (name: string): Bench => ({ name, description: `what ${name} measures`, needs: [], run: async () => [] });
const BENCHES = [bench('mcp-layer'), bench('finance'), bench('it'), bench('orchestrator')];

describe('parseBenchArgs', () => {
  it('runs every bench, in the registry order, when none is named', () => {
    const args = parseBenchArgs([], BENCHES);
    expect(args).toEqual({ kind: 'run', benches: BENCHES, quick: false, json: false });
  });

  it('runs the named benches once each, in the registry order, with the options', () => {
    const args = parseBenchArgs(['orchestrator', '--quick', 'finance', 'orchestrator', '--json'], BENCHES);
    expect(args).toEqual({ kind: 'run', benches: [BENCHES[1], BENCHES[3]], quick: true, json: true });
  });

  it('prints the usage with every bench and option for --help and -h', () => {
    const args = parseBenchArgs(['finance', '--help'], BENCHES);
    expect(args.kind).toBe('help');
    const text = (args as { text: string }).text;
    for (const b of BENCHES) expect(text).toMatch(new RegExp(`^  ${b.name} +${b.description}$`, 'm'));
    for (const option of ['--quick', '--json', '-h, --help']) expect(text).toContain(`  ${option} `);
    expect(parseBenchArgs(['-h'], BENCHES)).toEqual(args);
  });

  it('names an unknown option in one line', () => {
    expect(parseBenchArgs(['--fast'], BENCHES)).toEqual({
      kind: 'error',
      message: "unknown option '--fast'; see npm run bench -- --help",
    });
    expect(parseBenchArgs(['--json=yes'], BENCHES)).toEqual({
      kind: 'error',
      message: "option '--json' does not take an argument; see npm run bench -- --help",
    });
  });

  it('names unknown benches and lists the known ones', () => {
    expect(parseBenchArgs(['finance', 'financ'], BENCHES)).toEqual({
      kind: 'error',
      message: 'unknown bench "financ"; the benches are mcp-layer, finance, it, orchestrator (see --help)',
    });
    expect(parseBenchArgs(['a', 'b'], BENCHES)).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/^unknown benches "a", "b"; /),
    });
  });
});

describe('npm run bench entry point', () => {
  const runBench = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'bench/main.ts', ...args], {
      cwd: projectRoot,
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('prints the usage with the real benches for --help and exits 0', () => {
    const result = runBench('--help');
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Usage: npm run bench -- /);
    for (const name of ['mcp-layer', 'finance', 'it', 'mcp-call-activity', 'throughput', 'it-memory', 'orchestrator']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    }
  });

  it('exits 2 with one line, no stack trace, for an unknown option', () => {
    const result = runBench('finance', '--verbose');
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe("bench: unknown option '--verbose'; see npm run bench -- --help\n");
  });
});
