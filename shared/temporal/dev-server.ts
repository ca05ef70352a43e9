/**
 * The local Temporal service: check whether one already answers, or start `temporal server start-dev` with SQLite
 * persistence and the project's namespaces registered.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import type { TemporalConfig } from '../config';
import { temporalConnectionOptions } from './connection';
import { whenNamespaceKnown } from './new-namespace';
import { serviceEnvironment } from '../launcher/service-env';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function splitAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
}

export function isLoopbackAddress(address: string): boolean {
  return LOOPBACK.has(splitAddress(address).host);
}

/** True when a Temporal frontend answers at the configured address within `timeoutMs`. */
export async function isTemporalServing(cfg: TemporalConfig, timeoutMs = 2000): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ ...temporalConnectionOptions(cfg), connectTimeout: timeoutMs });
    await connection.withDeadline(Date.now() + timeoutMs, () => connection!.workflowService.getSystemInfo({}));
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/**
 * Registers any of `namespaces` the server does not know yet (a dev server someone else started, a fresh self-hosted
 * cluster), and returns once the server serves calls in each one it registered (shared/temporal/new-namespace.ts).
 */
export async function ensureNamespaces(
  cfg: TemporalConfig,
  namespaces: string[],
  opts: { boundMs?: number; onWait?: (line: string) => void } = {},
): Promise<string[]> {
  const connection = await Connection.connect(temporalConnectionOptions(cfg));
  const created: string[] = [];
  try {
    for (const namespace of namespaces) {
      try {
        await connection.workflowService.describeNamespace({ namespace });
      } catch (err) {
        if ((err as { code?: number }).code !== 5 /* NOT_FOUND */) throw err;
        await connection.workflowService.registerNamespace({
          namespace,
          workflowExecutionRetentionPeriod: msToTs('3 days'),
        });
        created.push(namespace);
      }
    }
    // DescribeNamespace reads the database; a list goes through the namespace cache, as a worker's polls do.
    for (const namespace of created) {
      await whenNamespaceKnown(
        namespace,
        'listing its workflows',
        () => connection.workflowService.listWorkflowExecutions({ namespace, pageSize: 1 }),
        { address: cfg.address, ...opts },
      );
    }
  } finally {
    await connection.close();
  }
  return created;
}

/**
 * Dynamic config for every dev server this project starts (`npm run temporal`, `npm start`, the bench, the tests).
 * - The dev server has one history shard whose transfer-queue reader polls at most 20 times a second by default;
 *   once tasks come faster, each waits 30-40 ms for its read: one-activity workflows run back to back took ~150 ms
 *   each, ~36-45 ms with the limit raised.
 * - Eager activity execution hands an activity back to the worker completing the workflow task that scheduled it,
 *   skipping a matching round trip: ~30-40 ms.
 * - The CLI forces a search-attribute cache refresh on every read by default; this project defines no search
 *   attributes, and keeping the cache cuts the server's CPU by 15-25 % under load.
 * - One partition per task queue (the server's default is 4). A workflow task that finds no poller waiting on its
 *   partition goes to that partition's backlog, and a worker polls a few partitions at a time (two pollers on a
 *   workflow task queue's normal side); under load about one task in 40 waited ~2.0 s between WorkflowTaskScheduled
 *   and WorkflowTaskStarted until the backlog reached a poller, and every call in flight with it: the periodic 2 s
 *   stall of `calculate_roi`. Partitions spread one queue over several matching hosts; a dev server is one host.
 *   With one: no stall (c=4 for 15 s: p99 2,042 ms → 99 ms; c=8 for 20 s: p99/p50 2.1) and twice the calls.
 */
export const DEV_SERVER_DYNAMIC_CONFIG: Readonly<Record<string, string | number | boolean>> = {
  'history.transferProcessorMaxPollRPS': 10_000,
  'system.enableActivityEagerExecution': true,
  'system.forceSearchAttributesCacheRefreshOnRead': false,
  'matching.numTaskqueueReadPartitions': 1,
  'matching.numTaskqueueWritePartitions': 1,
};

/** `DEV_SERVER_DYNAMIC_CONFIG` as `temporal server start-dev` arguments (`--dynamic-config-value KEY=JSON`). */
export function devServerDynamicConfigArgs(): string[] {
  return Object.entries(DEV_SERVER_DYNAMIC_CONFIG).flatMap(([key, value]) => [
    '--dynamic-config-value',
    `${key}=${JSON.stringify(value)}`,
  ]);
}

/**
 * For the SQLite file of `npm run temporal` / `npm start`: with the default rollback journal every commit is an fsync,
 * and a one-activity workflow took ~200 ms whatever the dynamic config; with a write-ahead log and `synchronous=normal`
 * ~45 ms. The trade: a power loss or OS crash may lose the last commits (a crash of the server process loses nothing).
 * Right for a development server; a production cluster has its own database.
 */
const SQLITE_PRAGMA_ARGS = ['--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal'];

export interface DevServerOptions {
  cliPath: string;
  address: string;
  uiPort: number;
  /** SQLite file (its folder is created); undefined keeps everything in memory (benchmarks). */
  dbFile?: string;
  namespaces: string[];
  /** Where the server's own output goes: this process's stderr (default), nowhere, or appended to a file. */
  stdio?: 'inherit-stderr' | 'ignore' | { logFile: string };
  /** In a process group of its own, so a terminal's Ctrl-C reaches only the launcher, which stops it last. */
  detached?: boolean;
}

export interface RunningDevServer {
  process: ChildProcess;
  /** Resolves with the exit code once the server has stopped. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export function spawnDevServer(opts: DevServerOptions): RunningDevServer {
  const { host, port } = splitAddress(opts.address);
  if (opts.dbFile) mkdirSync(path.dirname(opts.dbFile), { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    host === 'localhost' ? '127.0.0.1' : host.replace(/^\[|\]$/g, ''),
    '--port',
    String(port),
    '--ui-port',
    String(opts.uiPort),
    ...(opts.dbFile ? ['--db-filename', opts.dbFile, ...SQLITE_PRAGMA_ARGS] : []),
    '--log-level',
    'warn',
    ...devServerDynamicConfigArgs(),
    ...opts.namespaces.flatMap((ns) => ['--namespace', ns]),
  ];
  const logFd = typeof opts.stdio === 'object' ? openSync(opts.stdio.logFile, 'a') : undefined;
  const stderrFd = opts.stdio === 'ignore' ? 'ignore' : (logFd ?? 2);
  // The server's banner goes to our stderr too: stdout may be a protocol channel.
  // Its settings are the arguments above: of the environment (the launcher's .env among it) only the common part.
  const child = spawn(opts.cliPath, args, {
    env: serviceEnvironment(process.env, {}),
    stdio: ['ignore', stderrFd, stderrFd],
    detached: opts.detached ?? false,
  });
  if (logFd !== undefined) closeSync(logFd); // the child holds its own copy
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    process: child,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Polls until the server answers; fails early if it exits first. */
export async function waitUntilServing(
  cfg: TemporalConfig,
  server: RunningDevServer,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void server.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited)
      throw new Error(`the Temporal dev server exited with code ${server.process.exitCode} before it answered`);
    if (await isTemporalServing(cfg, 1000)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the Temporal dev server did not answer at ${cfg.address} within ${timeoutMs / 1000} s`);
}
