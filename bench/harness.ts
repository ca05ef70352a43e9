/**
 * What every bench shares: the processes it measures, started once for the whole run, and the ways to call them.
 * Starts, for the benches chosen, only what they list in `needs`: an in-memory Temporal dev server with the project's
 * fast settings (or the server at TEMPORAL_ADDRESS), the real workers and MCP servers as separate processes (as
 * `npm run services` does), a Finance server with its worker in one process (`--with-worker`), the MCP servers
 * without Temporal (bench/layer-servers.ts), a plain SDK v2 server making the baselines' Temporal calls
 * (bench/plain-temporal-server.ts), an IT server whose heap can be read, and an eager-start baseline in this
 * process. All of it is ready before the first sample, so that no bench is measured while a worker bundles.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Client, type Connection } from '@temporalio/client';
import { Agent, request } from 'undici';
import { modernRequest } from '../shared/mcp/modern-request';
import { parseConfig, projectRoot, type AppConfig } from '../shared/config';
import { freePort } from '../shared/free-port';
import { createLogger } from '../shared/logger';
import { ServiceProcess } from '../shared/launcher/service-process';
import { systemServices, type ServiceName } from '../shared/launcher/services';
import { connectClient, connectWorker } from '../shared/temporal/connection';
import { startOrReuseTemporal, type LocalTemporal } from '../shared/temporal/local-service';
import { installTemporalRuntime } from '../shared/temporal/runtime';
import { SampleQuoteProvider } from '../tool-workers/finance/quotes/sample';
import { createFinanceWorker } from '../tool-workers/finance/worker';
import type { Row } from './table';

/** The ROI input every Finance measurement uses. */
export const ROI = { principal: 10000, annual_rate: 0.05, years: 10 };
/** About as long as a workflow behind a tool call takes here: the wait of the layer servers' second pair. */
export const LAYER_WAIT_MS = 25;

export type LayerServer = 'floor' | 'ours' | 'floorWaiting' | 'oursWaiting';

/** What a bench can ask the harness for, by name. */
export interface Resources {
  /** A client connection to the Temporal server (dev server started here, or TEMPORAL_ADDRESS). */
  temporal: { connection: Connection };
  /** The Finance MCP server and its worker, separate processes. */
  finance: { url: string };
  /** The IT MCP server and its worker, separate processes. */
  it: { url: string };
  /** The orchestrator's worker (offline planner); its tool calls go to the Finance server. */
  orchestrator: Record<string, never>;
  /** A Finance server running its worker in-process (`--with-worker`), on a task queue of its own. */
  'finance-with-worker': { url: string };
  /** `calculateRoiWorkflow` started eagerly by a client on the connection of a Finance worker in this process. */
  'eager-baseline': { execute: () => Promise<unknown> };
  /** The MCP servers without Temporal: a plain SDK v2 server and ours, answering at once and after LAYER_WAIT_MS. */
  'layer-servers': { urls: Record<LayerServer, string> };
  /** An IT server of its own, with its inspector open, for reading its memory. */
  'inspected-it': { url: string; pid: number; inspectorPort: number };
  /**
   * A plain SDK v2 server whose tools make the Finance and IT baselines' Temporal calls (bench/plain-temporal-server.ts):
   * `calculate_roi` (execute), `set_jira_project` (the sessionWrite Signal), `get_ip_history` (the sessionState Query),
   * the last two on an open session's `session_id`. The workers they need are the benches' own needs.
   */
  'plain-temporal': { url: string };
}
export type Need = keyof Resources;

export interface Harness {
  /** Parsed once from the bench's own environment (free ports, in-memory server, warn-level logs). */
  readonly config: AppConfig;
  /** An iteration count scaled for `--quick` (a quarter, at least 10). */
  n(count: number): number;
  /** `--quick`: a short run (durations shortened too). */
  readonly quick: boolean;
  /** A progress line on stderr (stdout carries only the table). */
  say(line: string): void;
  /** A resource this bench listed in its `needs`. */
  use<K extends Need>(need: K): Resources[K];
  /** One 2026-07-28 tools/call as a raw POST (the `_meta` envelope and the Mcp-* headers), as curl or a script sends it. */
  callTool(url: string, name: string, args: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** The value of `compute` the first time `key` is asked for in this run: figures one bench measures and others use. */
  once<T>(key: string, compute: () => Promise<T>): Promise<T>;
}

/** One bench: a module exporting these (see bench/benches.ts, which lists them in the order they run). */
export interface Bench {
  /** What to type after `npm run bench --` to run it alone. */
  name: string;
  /** One line for `--help`. */
  description: string;
  /** What the harness must start for it. */
  needs: readonly Need[];
  run(harness: Harness): Promise<Row[]>;
}

/** The services and the Temporal server each need brings up. */
const NEEDS: Record<Need, { services: ServiceName[]; temporal: boolean }> = {
  temporal: { services: [], temporal: true },
  finance: { services: ['worker:finance', 'mcp:finance'], temporal: true },
  it: { services: ['worker:it', 'mcp:it'], temporal: true },
  orchestrator: { services: ['worker:orchestrator'], temporal: true },
  'finance-with-worker': { services: [], temporal: true },
  'eager-baseline': { services: [], temporal: true },
  'layer-servers': { services: [], temporal: false },
  'plain-temporal': { services: [], temporal: true },
  // The inspected server's sessions are workflows on the IT worker.
  'inspected-it': { services: ['worker:it'], temporal: true },
};

/** A process of the bench's own (the --with-worker server, the layer servers): ready when it says so over IPC. */
function startChild(
  name: string,
  args: string[],
  env: Record<string, string>,
  say: (line: string) => void,
  nodeArgs: string[] = [],
) {
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', ...args], {
    cwd: projectRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const tail: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      tail.push(line);
      if (tail.length > 20) tail.shift();
      if (/"level":(4|5|6)\d|\b(WARN|ERROR|FATAL)\b/.test(line)) say(`[${name}] ${line}`);
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    child.on('message', (m: Record<string, unknown>) => m?.type === 'ready' && resolve(m));
    void exited.then(() => reject(new Error(`${name} exited before it was ready:\n${tail.join('\n')}`)));
  });
  return {
    child,
    ready,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Finance workflows started by a client on a worker's own connection, eagerly: the baseline of `--with-worker`. */
async function startEagerBaseline(config: AppConfig) {
  const connection = await connectWorker(config.temporal);
  const taskQueue = 'bench-eager-baseline';
  const namespace = config.temporal.namespaces.finance;
  const worker = await createFinanceWorker({
    connection,
    namespace,
    taskQueue,
    deps: { quotes: new SampleQuoteProvider() },
  });
  const running = worker.run();
  const client = new Client({ connection, namespace });
  return {
    execute: () =>
      client.workflow.execute('calculateRoiWorkflow', {
        taskQueue,
        workflowId: `bench-eager-${randomUUID()}`,
        args: [ROI],
        requestEagerStart: true,
      }),
    async close() {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

export interface HarnessOptions {
  needs: ReadonlySet<Need>;
  quick: boolean;
  say(line: string): void;
}

/** Starts what `needs` asks for and waits until all of it is ready. `close()` stops everything it started. */
export async function startHarness({
  needs,
  quick,
  say,
}: HarnessOptions): Promise<{ harness: Harness; close(): Promise<void> }> {
  const scale = quick ? 0.25 : 1;
  const wantsTemporal = [...needs].some((need) => NEEDS[need].temporal);
  const serviceNames = new Set([...needs].flatMap((need) => NEEDS[need].services));
  const log = createLogger('bench', 'warn');
  if (wantsTemporal) installTemporalRuntime(log, 'WARN');

  const [temporalPort, uiPort, financePort, itPort, colocatedPort, inspectedItPort, inspectorPort] = (await Promise.all(
    Array.from({ length: 7 }, () => freePort()),
  )) as [number, number, number, number, number, number, number];
  const env: Record<string, string> = {
    PATH: process.env.PATH!,
    HOME: process.env.HOME!,
    ENV_FILE: '/nonexistent',
    LOG_LEVEL: 'warn',
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS || `127.0.0.1:${temporalPort}`,
    TEMPORAL_UI_PORT: String(uiPort),
    TEMPORAL_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'dma-bench-')),
    FINANCE_MCP_PORT: String(financePort),
    IT_MCP_PORT: String(itPort),
    FINANCE_MCP_URL: `http://127.0.0.1:${financePort}/mcp`,
    IT_MCP_URL: `http://127.0.0.1:${itPort}/mcp`,
    // One caller opens hundreds of sessions at once here: the per-caller bounds are for tenants, not for this run.
    MCP_MAX_IT_SESSIONS_PER_CALLER: '100000',
    MCP_MAX_TASKS_PER_CALLER: '100000',
    MCP_MAX_LONG_RUNNING_PER_CALLER: '100000',
    ...(process.env.TEMPORAL_CLI ? { TEMPORAL_CLI: process.env.TEMPORAL_CLI } : {}),
  };
  const config = parseConfig(env);

  let temporal: LocalTemporal | undefined;
  if (wantsTemporal) {
    say('bench: starting Temporal and the services (the workers bundle their workflows first)…');
    temporal = await startOrReuseTemporal(config, log, { detached: true, logToFile: true, inMemory: true });
  } else {
    say('bench: starting the MCP servers without Temporal…');
  }
  const services = new Map<ServiceName, ServiceProcess>();
  for (const spec of systemServices(config).filter((s) => serviceNames.has(s.name))) {
    services.set(
      spec.name,
      new ServiceProcess(spec, env, (l) => (/\b(WARN|ERROR|FATAL)\b/.test(l) ? say(l) : undefined)),
    );
  }
  const children: ReturnType<typeof startChild>[] = [];
  const child = (need: Need, ...args: Parameters<typeof startChild>) => {
    if (!needs.has(need)) return undefined;
    const started = startChild(...args);
    children.push(started);
    return started;
  };
  // On a task queue of its own, so that the separate finance worker takes none of its tasks.
  const colocated = child(
    'finance-with-worker',
    'mcp:finance --with-worker',
    ['mcp-servers/finance/main.ts', '--with-worker'],
    { ...env, FINANCE_MCP_PORT: String(colocatedPort), FINANCE_TASK_QUEUE: 'finance-tools-colocated' },
    say,
  );
  const layerServers = child(
    'layer-servers',
    'bench:layer-servers',
    ['bench/layer-servers.ts', String(LAYER_WAIT_MS)],
    env,
    say,
  );
  const plainTemporal = child(
    'plain-temporal',
    'bench:plain-temporal-server',
    ['bench/plain-temporal-server.ts'],
    env,
    say,
  );
  const inspectedIt = child(
    'inspected-it',
    'mcp:it (inspected)',
    ['mcp-servers/it/main.ts'],
    { ...env, IT_MCP_PORT: String(inspectedItPort) },
    say,
    [`--inspect=127.0.0.1:${inspectorPort}`],
  );
  process.once('exit', () => {
    for (const s of services.values()) s.killNow();
    for (const c of children) c.child.kill('SIGKILL');
    temporal?.server?.process.kill('SIGKILL');
  });

  const connection = wantsTemporal ? await connectClient(config.temporal) : undefined;
  const http = new Agent({ keepAliveTimeout: 30_000, connections: 256 });
  let eager: Awaited<ReturnType<typeof startEagerBaseline>> | undefined;
  const close = async () => {
    await http.close();
    await connection?.close();
    await eager?.close();
    await Promise.all(children.map((c) => c.stop()));
    for (const s of [...services.values()].reverse()) await s.stop();
    await temporal?.stop();
  };

  let layerUrls: Record<LayerServer, string> | undefined;
  let plainTemporalUrl: string | undefined;
  try {
    await Promise.all([
      layerServers?.ready.then((m) => (layerUrls = (m as { urls: Record<LayerServer, string> }).urls)),
      plainTemporal?.ready.then((m) => (plainTemporalUrl = String(m.url))),
      colocated?.ready,
      inspectedIt?.ready,
      ...[...services.values()].map((s) => s.waitUntilReady(300_000)),
      needs.has('eager-baseline') ? startEagerBaseline(config).then((e) => (eager = e)) : undefined,
    ]);
  } catch (err) {
    await close();
    throw err;
  }

  const resources: { [K in Need]?: Resources[K] } = {
    ...(connection && { temporal: { connection } }),
    ...(services.has('mcp:finance') && { finance: { url: env.FINANCE_MCP_URL! } }),
    ...(services.has('mcp:it') && { it: { url: env.IT_MCP_URL! } }),
    ...(services.has('worker:orchestrator') && { orchestrator: {} }),
    ...(colocated && { 'finance-with-worker': { url: `http://127.0.0.1:${colocatedPort}/mcp` } }),
    ...(eager && { 'eager-baseline': { execute: eager.execute } }),
    ...(layerUrls && { 'layer-servers': { urls: layerUrls } }),
    ...(plainTemporalUrl && { 'plain-temporal': { url: plainTemporalUrl } }),
    ...(inspectedIt && {
      'inspected-it': { url: `http://127.0.0.1:${inspectedItPort}/mcp`, pid: inspectedIt.child.pid!, inspectorPort },
    }),
  };
  const memo = new Map<string, Promise<unknown>>();
  const harness: Harness = {
    config,
    n: (count) => Math.max(10, Math.round(count * scale)),
    quick,
    say,
    use(need) {
      const resource = resources[need];
      // A bench that forgot a need would otherwise fail later with an undefined URL.
      if (!resource) throw new Error(`bench harness: "${need}" was not started; add it to the bench's needs`);
      return resource;
    },
    async callTool(url, name, args) {
      const { body: rpc, headers } = modernRequest('tools/call', { name, arguments: args }, 1, 'bench');
      const res = await request(url, { method: 'POST', dispatcher: http, headers, body: JSON.stringify(rpc) });
      const body = (await res.body.json()) as {
        result?: { isError?: boolean; structuredContent?: Record<string, unknown> };
        error?: unknown;
      };
      if (res.statusCode !== 200 || body.error || body.result?.isError) {
        throw new Error(`${name} failed: ${res.statusCode} ${JSON.stringify(body).slice(0, 300)}`);
      }
      return body.result?.structuredContent ?? {};
    },
    once<T>(key: string, compute: () => Promise<T>) {
      if (!memo.has(key)) memo.set(key, compute());
      return memo.get(key) as Promise<T>;
    },
  };
  return { harness, close };
}
