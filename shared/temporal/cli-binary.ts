/**
 * Finds the official `temporal` CLI (which embeds the dev server), building it from the Go module proxy when this
 * machine has none. The build lands in a cache outside the repository, so every clone on the machine reuses it.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';

/** The newest tag whose go.mod has no `replace` directive; `go install pkg@version` refuses later ones. */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const TEMPORAL_CLI_PACKAGE = 'github.com/temporalio/cli/cmd/temporal';

export interface FindCliOptions {
  /** TEMPORAL_CLI: an explicit binary, used as given. */
  explicitPath?: string;
  cacheDir: string;
  /** PATH to search; defaults to the process PATH. */
  searchPath?: string;
  /** Progress lines for a human (to stderr: stdout may carry a protocol). */
  progress?: (line: string) => void;
}

export class TemporalCliNotFound extends Error {
  override name = 'TemporalCliNotFound';
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(command: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function cachedCliPath(cacheDir: string): string {
  return path.join(cacheDir, TEMPORAL_CLI_VERSION, 'temporal');
}

/** Where the CLI would come from, without building anything. */
export function locateTemporalCli(opts: FindCliOptions): string | undefined {
  if (opts.explicitPath) {
    if (!isExecutable(opts.explicitPath)) {
      throw new TemporalCliNotFound(`TEMPORAL_CLI=${opts.explicitPath} is not an executable file`);
    }
    return opts.explicitPath;
  }
  const searchPath = opts.searchPath ?? process.env.PATH ?? '';
  const cached = cachedCliPath(opts.cacheDir);
  return onPath('temporal', searchPath) ?? (isExecutable(cached) ? cached : undefined);
}

/** TEMPORAL_CLI, then `temporal` on PATH, then the cached build, then a fresh build with Go. */
export async function findTemporalCli(opts: FindCliOptions): Promise<string> {
  const found = locateTemporalCli(opts);
  if (found) return found;
  const go = onPath('go', opts.searchPath ?? process.env.PATH ?? '');
  if (!go) {
    throw new TemporalCliNotFound(
      [
        'No Temporal CLI found (TEMPORAL_CLI unset, no `temporal` on PATH, nothing cached in ' +
          opts.cacheDir +
          ') and no Go toolchain to build one.',
        'Install one of:',
        '  - the Temporal CLI: https://docs.temporal.io/cli#install (brew install temporal, or download a release) and put `temporal` on PATH, or set TEMPORAL_CLI=/path/to/temporal;',
        `  - Go 1.25+ (https://go.dev/dl/), and this project builds ${TEMPORAL_CLI_PACKAGE}@${TEMPORAL_CLI_VERSION} itself.`,
        'Or point TEMPORAL_ADDRESS at a Temporal server that is already running.',
      ].join('\n'),
    );
  }
  return buildTemporalCli(go, opts.cacheDir, opts.progress ?? ((line) => process.stderr.write(line + '\n')));
}

async function buildTemporalCli(go: string, cacheDir: string, progress: (line: string) => void): Promise<string> {
  const target = cachedCliPath(cacheDir);
  mkdirSync(path.dirname(target), { recursive: true });
  // Build into a private directory, then rename: concurrent builders never see a half-written binary.
  const staging = mkdtempSync(path.join(path.dirname(target), '.build-'));
  progress(
    `Building the Temporal CLI ${TEMPORAL_CLI_VERSION} from the Go module proxy into ${path.dirname(target)} ` +
      '(once per machine; the first build takes a few minutes)...',
  );
  const started = Date.now();
  const ticker = setInterval(
    () => progress(`  still building the Temporal CLI (${Math.round((Date.now() - started) / 1000)} s)...`),
    30_000,
  );
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(go, ['install', `${TEMPORAL_CLI_PACKAGE}@${TEMPORAL_CLI_VERSION}`], {
        env: { ...process.env, GOBIN: staging, GOFLAGS: process.env.GOFLAGS ?? '' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let tail = '';
      child.stderr.on('data', (chunk: Buffer) => {
        tail = (tail + chunk.toString()).slice(-4000);
      });
      child.on('error', reject);
      child.on('exit', (code) =>
        code === 0
          ? resolve()
          : reject(new TemporalCliNotFound(`go install of the Temporal CLI failed (exit ${code}):\n${tail}`)),
      );
    });
    renameSync(path.join(staging, 'temporal'), target);
    progress(`Built the Temporal CLI in ${Math.round((Date.now() - started) / 1000)} s: ${target}`);
    return target;
  } finally {
    clearInterval(ticker);
    if (existsSync(staging)) rmSync(staging, { recursive: true, force: true });
  }
}
