/** Real subprocesses of our entry points, for crash/restart tests: spawn, wait until ready, kill -9. */
import { spawn, type ChildProcess } from 'node:child_process';
import { projectRoot } from '../../shared/config';
import { freePort } from '../../shared/free-port';

export { freePort };

export interface Spawned {
  child: ChildProcess;
  /** stdout and stderr together, in arrival order. */
  output(): string;
  /** stdout alone: our processes log to stderr, so in a worker this is only what a library printed. */
  stdout(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function spawnEntry(entry: string, env: Record<string, string>, args: string[] = []): Spawned {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ENV_FILE: '/nonexistent', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let stdout = '';
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
    stdout += c.toString();
  });
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => out,
    stdout: () => stdout,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** Polls until `check` passes (or throws after `timeoutMs` with the process output for context). */
export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 30_000,
  proc?: Spawned,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await Promise.resolve(check()).catch(() => false)) return;
    if (proc && proc.child.exitCode !== null) throw new Error(`${what}: process exited early:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: not ready after ${timeoutMs} ms${proc ? `:\n${proc.output()}` : ''}`);
}

/** Starts an MCP server entry on a port and waits for /healthz. */
export async function spawnMcpServer(entry: string, portVar: string, env: Record<string, string>, port?: number) {
  const p = port ?? (await freePort());
  const proc = spawnEntry(entry, { ...env, [portVar]: String(p) });
  const base = `http://127.0.0.1:${p}`;
  await waitFor(`${entry} on ${p}`, async () => (await fetch(`${base}/healthz`)).ok, 30_000, proc);
  return { proc, port: p, url: `${base}/mcp` };
}
