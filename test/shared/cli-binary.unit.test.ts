import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cachedCliPath,
  findTemporalCli,
  locateTemporalCli,
  TemporalCliNotFound,
} from '../../shared/temporal/cli-binary';

function executable(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, '#!/bin/sh\n');
  chmodSync(file, 0o755);
  return file;
}

describe('finding the Temporal CLI', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'cli-find-'));
  const cacheDir = path.join(root, 'cache');
  const onPath = executable(path.join(root, 'bin', 'temporal'));
  const cached = executable(cachedCliPath(cacheDir));
  const explicit = executable(path.join(root, 'explicit', 'temporal'));

  it('prefers TEMPORAL_CLI, then PATH, then the cache', () => {
    expect(locateTemporalCli({ explicitPath: explicit, cacheDir, searchPath: path.dirname(onPath) })).toBe(explicit);
    expect(locateTemporalCli({ cacheDir, searchPath: path.dirname(onPath) })).toBe(onPath);
    expect(locateTemporalCli({ cacheDir, searchPath: '/nonexistent' })).toBe(cached);
    expect(locateTemporalCli({ cacheDir: path.join(root, 'empty'), searchPath: '/nonexistent' })).toBeUndefined();
  });

  it('refuses a TEMPORAL_CLI that is not executable', () => {
    expect(() => locateTemporalCli({ explicitPath: path.join(root, 'nope'), cacheDir })).toThrowError(
      /TEMPORAL_CLI=.*not an executable/,
    );
  });

  it('with neither a binary nor Go, says how to install the CLI', async () => {
    const attempt = findTemporalCli({
      cacheDir: path.join(root, 'empty'),
      searchPath: path.join(root, 'nothing-here'),
    });
    await expect(attempt).rejects.toBeInstanceOf(TemporalCliNotFound);
    await expect(attempt).rejects.toThrowError(/docs\.temporal\.io\/cli.*\n.*TEMPORAL_CLI|Install one of/s);
    await expect(attempt).rejects.toThrowError(/Go 1\.25\+/);
  });
});
