/**
 * What every workload shares: its own in-memory Temporal dev server on free loopback ports (never TEMPORAL_ADDRESS),
 * the real workers and MCP servers as separate processes (as `npm run services` and the benchmark start them), the
 * bound on the whole run's time, one pooled undici Agent for raw 2026-07-28 calls, and a Temporal client connection.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WorkflowClient, type Connection } from '@temporalio/client';
import { Agent, request } from 'undici';
import { parseConfig, type AppConfig } from '../shared/config';
import { freePort } from '../shared/free-port';
import { ServiceProcess } from '../shared/launcher/service-process';
import { systemServices } from '../shared/launcher/services';
import { createLogger } from '../shared/logger';
import { modernRequest } from '../shared/mcp/modern-request';
import { connectClient } from '../shared/temporal/connection';
import { startOrReuseTemporal } from '../shared/temporal/local-service';
import { installTemporalRuntime } from '../shared/temporal/runtime';
import { itSessionWorkflowId } from '../tool-workers/it/sessions';
import { sessionStateQuery, type ItSessionState } from '../tool-workers/it/session-contract';
import type { Plan } from './plan';
import type { Row } from './table';

/** Every HTTP call gives up after this long. */
export const CALL_TIMEOUT_MS = 60_000;

/** An MCP call that answered with an error, a tool error, or no structured result. */
export class CallFailed extends Error {
  override name = 'CallFailed';
}

export interface LoadHarness {
  readonly plan: Plan;
  /** Parsed once from the run's own environment (free ports, offline model, sample providers, warn-level logs). */
  readonly config: AppConfig;
  readonly connection: Connection;
  readonly urls: { finance: string; it: string };
  /** A progress line on stderr (stdout carries only the table). */
  say(line: string): void;
  /** One 2026-07-28 tools/call as a raw POST: the `_meta` envelope and the MCP-Protocol-Version, Mcp-Method, Mcp-Name headers. */
  callTool(url: string, name: string, args: Record<string, unknown>): Promise<Record<string, any>>;
  /** An IT session's state, read directly by Query. */
  itState(handle: string): Promise<ItSessionState>;
}

/** One workload: a module exporting these (see load/workloads.ts, which lists them in the order they run). */
export interface Workload {
  /** Its key in the details (stderr and `--json`). */
  name: string;
  /** What the run is doing while it runs, named if the run's time bound stops it. */
  phase: string;
  /** Calls made before any workload runs, not measured: they pay for connections, caches and the workers' first tasks. */
  warmUp?(harness: LoadHarness): Promise<void>;
  /** `progress` prints a line prefixed with `load: <n>/<of> `. */
  run(
    harness: LoadHarness,
    progress: (line: string) => void,
  ): Promise<{ rows: Row[]; details: Record<string, unknown> }>;
}

export interface RunningHarness {
  harness: LoadHarness;
  /** Resolves when every service is ready (they bundle their workflows first). */
  ready(): Promise<void>;
  /** Names what the run is doing, for the message of a run stopped by its time bound. */
  setPhase(phase: string): void;
  /** Lines each service logged at WARN or above, by service. */
  readonly warnings: ReadonlyMap<string, number>;
  /** The dev server's log, kept for a failed run. */
  readonly serverLog: string;
  /** Stops everything started, and the time bound. */
  close(): Promise<void>;
  /** Deletes the dev server's data directory (its log included). */
  discardServerData(): void;
}

/** Starts the dev server and the services without waiting for them; arms the run's time bound. */
export async function startLoadHarness({
  plan,
  quick,
  say,
}: {
  plan: Plan;
  quick: boolean;
  say(line: string): void;
}): Promise<RunningHarness> {
  const log = createLogger('load', 'warn');
  installTemporalRuntime(log, 'WARN');
  const runStart = Date.now();

  // Everything on loopback, on ports free right now: a Temporal of its own, never TEMPORAL_ADDRESS.
  const [temporalPort, uiPort, financePort, itPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'dma-load-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH!,
    HOME: process.env.HOME!,
    ENV_FILE: '/nonexistent',
    LOG_LEVEL: 'warn',
    MCP_HOST: '127.0.0.1',
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    TEMPORAL_UI_PORT: String(uiPort),
    TEMPORAL_DATA_DIR: dataDir,
    FINANCE_MCP_PORT: String(financePort),
    IT_MCP_PORT: String(itPort),
    FINANCE_MCP_URL: `http://127.0.0.1:${financePort}/mcp`,
    IT_MCP_URL: `http://127.0.0.1:${itPort}/mcp`,
    LLM_MODEL: 'offline',
    QUOTE_PROVIDER: 'sample',
    JIRA_PROVIDER: 'sample',
    WEATHER_PROVIDER: 'sample',
    CHAT_USER: 'load',
    // One caller opens hundreds of sessions at once here: the per-caller bounds are for tenants, not for this run.
    MCP_MAX_IT_SESSIONS_PER_CALLER: '100000',
    MCP_MAX_TASKS_PER_CALLER: '100000',
    MCP_MAX_LONG_RUNNING_PER_CALLER: '100000',
    ...(process.env.TEMPORAL_CLI ? { TEMPORAL_CLI: process.env.TEMPORAL_CLI } : {}),
  };
  const config = parseConfig(env);

  // Warnings of the services go to stderr, the first few of each; all are counted and reported.
  const warnings = new Map<string, number>();
  const echo = (name: string) => (line: string) => {
    if (!/^\[[^\]]+\] (WARN|ERROR|FATAL)\b/.test(line)) return;
    const n = (warnings.get(name) ?? 0) + 1;
    warnings.set(name, n);
    if (n <= 5) say(line.slice(0, 600));
    else if (n === 6) say(`[${name}] (further warnings counted, not shown)`);
  };

  say(`load: starting Temporal (in memory) and the services${quick ? ' (--quick)' : ''}…`);
  const temporal = await startOrReuseTemporal(config, log, { detached: true, logToFile: true, inMemory: true });
  const services = systemServices(config).map((spec) => new ServiceProcess(spec, env, echo(spec.name)));
  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    (stopping ??= (async () => {
      for (const s of [...services].reverse()) await s.stop();
      await temporal.stop();
    })());
  process.once('exit', () => {
    for (const s of services) s.killNow();
    temporal.server?.process.kill('SIGKILL');
  });
  // Bounded in time: past the limit the run stops, says where it was, and fails.
  let phase = 'start-up';
  const watchdog = setTimeout(() => {
    say(`load: still running after ${plan.maxMinutes} min (in ${phase}); stopping, the run failed`);
    void stopAll().finally(() => process.exit(2));
  }, plan.maxMinutes * 60_000);

  const http = new Agent({
    keepAliveTimeout: 30_000,
    connections: Math.max(256, plan.sessions + plan.financeConcurrency),
    pipelining: 1,
  });
  const connection = await connectClient(config.temporal);
  const itWorkflows = new WorkflowClient({
    connection,
    namespace: config.temporal.namespaces.it,
    queryRejectCondition: 'NOT_OPEN',
  });

  let rpcId = 0;
  const harness: LoadHarness = {
    plan,
    config,
    connection,
    urls: { finance: env.FINANCE_MCP_URL!, it: env.IT_MCP_URL! },
    say,
    async callTool(url, name, args) {
      const { body: rpc, headers } = modernRequest('tools/call', { name, arguments: args }, ++rpcId, 'load');
      const res = await request(url, {
        method: 'POST',
        dispatcher: http,
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
        headers,
        body: JSON.stringify(rpc),
      });
      const text = await res.body.text();
      let body: {
        result?: { isError?: boolean; structuredContent?: Record<string, unknown>; content?: unknown };
        error?: unknown;
      };
      try {
        body = JSON.parse(text);
      } catch {
        throw new CallFailed(`${name}: HTTP ${res.statusCode}, not JSON: ${text.slice(0, 200)}`);
      }
      if (res.statusCode !== 200 || body.error || body.result?.isError || !body.result?.structuredContent) {
        throw new CallFailed(
          `${name}: HTTP ${res.statusCode} ${JSON.stringify(body.error ?? body.result).slice(0, 300)}`,
        );
      }
      return body.result.structuredContent;
    },
    itState: (handle) => itWorkflows.getHandle(itSessionWorkflowId(handle)).query(sessionStateQuery),
  };

  return {
    harness,
    async ready() {
      await Promise.all(services.map((s) => s.waitUntilReady(300_000)));
      say(`load: everything ready after ${((Date.now() - runStart) / 1000).toFixed(0)} s`);
    },
    setPhase(next) {
      phase = next;
    },
    warnings,
    serverLog: path.join(dataDir, 'temporal-dev-server.log'),
    async close() {
      await http.close().catch(() => undefined);
      await connection.close().catch(() => undefined);
      await stopAll();
      clearTimeout(watchdog);
    },
    discardServerData() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `promise`, or a rejection with `message` if it has not settled within `ms` (the timer never keeps the process up). */
export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(message)), ms).unref()),
  ]);
}
