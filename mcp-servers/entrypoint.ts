/**
 * The process edge shared by both MCP servers: parse `--transport`, load config once, open the Temporal client,
 * then serve over streamable HTTP (default) or stdio. In stdio mode nothing but protocol frames reaches stdout.
 *
 * `--with-worker` runs the domain's tool worker in this process too, and the client shares the worker's connection,
 * so a tool call's workflow starts eagerly: the server hands its first workflow task back in the start response, to
 * this worker, instead of through a task-queue poll (docs/benchmarks.md). Opt-in: the default keeps servers and
 * workers apart, scaled and deployed on their own, and a server that starts while Temporal is down.
 */
import { parseArgs } from 'node:util';
import { Client, type ConnectionLike } from '@temporalio/client';
import type { NativeConnection, Worker, WorkerPlugin } from '@temporalio/worker';
import {
  mcpServingSection,
  parseSections,
  temporalRuntimeMetricsSection,
  temporalSection,
  temporalUiSection,
  type ConfigOf,
  type ConfigSection,
  type ConfigSections,
  type McpListenConfig,
  type McpServingConfig,
  type TemporalConfig,
  type TemporalRuntimeMetricsConfig,
  type TemporalUiSettings,
} from '../shared/config';
import type { Logger } from '../shared/logger';
import { loadProcessConfig, runMain } from '../shared/main';
import { announceReady } from '../shared/ready';
import { startTelemetry } from '../shared/telemetry';
import {
  assertNamespaceExists,
  connectWorker,
  lazyClientConnection,
  temporalReachable,
} from '../shared/temporal/connection';
import { installTemporalRuntime } from '../shared/temporal/runtime';
import { configuredWebUi } from '../shared/temporal/web-ui';
import { sessionLogId, startMcpHttpServer, type LegacySessionStore, type McpServerFactory } from './transports/http';
import { isLoopbackHost } from './transports/origins';
import { serveStdio } from './transports/stdio';

export interface McpServerParts {
  createServer: McpServerFactory;
  /** Stateful servers only: the 2025-era Mcp-Session-Id lifecycle. */
  sessions?: LegacySessionStore;
  /** Stateful servers only: the one session a stdio process serves. */
  stdioSessionId?(): Promise<string>;
}

/** A domain's tool worker as configured, for `--with-worker`; `close` releases what its activities hold. */
export interface EmbeddedWorker {
  worker: Worker;
  details: Record<string, unknown>;
  close(): Promise<void>;
}

/**
 * What every MCP server reads: Temporal, its Web UI (for the links on tool workflows' spans), the shared HTTP
 * settings, and its own listener; plus the spec's sections.
 */
export type McpProcessConfig<S extends ConfigSections> = ConfigOf<S> & {
  temporal: TemporalConfig;
  temporalUi: TemporalUiSettings;
  mcp: McpServingConfig;
  listen: McpListenConfig;
};

/**
 * `sections`: what the server reads besides Temporal and the HTTP settings (its task queue). `workerSections`: what
 * its worker reads (providers and their keys), parsed only with `--with-worker`, so a server alone never fails on them.
 */
export interface McpProcessSpec<S extends ConfigSections, W extends ConfigSections> {
  name: string;
  /** The server's port and public URL (the Protected Resource Metadata `resource`). */
  listen: ConfigSection<McpListenConfig>;
  sections: S;
  workerSections: W;
  namespace(config: McpProcessConfig<S>): string;
  /** The domain's worker, for `--with-worker`; `plugins`: the process's worker plugins (tracing). */
  worker(
    config: ConfigOf<W> & { temporal: TemporalConfig },
    connection: NativeConnection,
    plugins: WorkerPlugin[],
  ): Promise<EmbeddedWorker>;
  /** `eagerStart`: a worker runs in this process on the client's connection (`--with-worker`). */
  setup(deps: {
    config: McpProcessConfig<S>;
    client: Client;
    log: Logger;
    transport: 'http' | 'stdio';
    eagerStart: boolean;
  }): Promise<McpServerParts>;
}

export function runMcpServerProcess<S extends ConfigSections, W extends ConfigSections>(
  spec: McpProcessSpec<S, W>,
): void {
  runMain(spec.name, async () => {
    const { values } = parseArgs({
      options: { transport: { type: 'string', default: 'http' }, 'with-worker': { type: 'boolean', default: false } },
      strict: true,
    });
    const transport = values.transport;
    if (transport !== 'http' && transport !== 'stdio') {
      throw new Error(`--transport must be "http" or "stdio" (got ${JSON.stringify(transport)})`);
    }
    const withWorker = values['with-worker'];
    const loaded = loadProcessConfig(spec.name, {
      ...spec.sections,
      temporal: temporalSection,
      mcp: mcpServingSection,
      listen: spec.listen,
      temporalUi: temporalUiSection,
    });
    // The spread's sections are exactly McpProcessConfig's; TypeScript cannot see it through the generic S.
    const config = loaded.config as unknown as McpProcessConfig<S>;
    const { log } = loaded;
    const telemetry = await startTelemetry(spec.name);

    let connection: ConnectionLike;
    let embedded: { worker: EmbeddedWorker; running: Promise<void> } | undefined;
    if (withWorker) {
      // The worker's own settings (env file already loaded), read only now: a server alone never fails on them.
      // Its runtime metrics setting too, parsed with them so that every problem is reported in one line.
      const { runtimeMetrics, ...workerSettings } = parseSections(process.env, {
        ...spec.workerSections,
        runtimeMetrics: temporalRuntimeMetricsSection,
      }) as ConfigOf<W> & { runtimeMetrics: TemporalRuntimeMetricsConfig };
      installTemporalRuntime(log, 'INFO', { metrics: runtimeMetrics });
      const workerConfig = { ...(workerSettings as unknown as ConfigOf<W>), temporal: config.temporal };
      const native = await connectWorker(config.temporal);
      connection = native;
      const worker = await assertNamespaceExists(native, config.temporal, spec.namespace(config))
        .then(() => spec.worker(workerConfig, native, telemetry.temporalWorkerPlugins))
        .catch(async (err: unknown) => {
          await native.close();
          throw err;
        });
      embedded = { worker, running: worker.worker.run() };
      log.info(worker.details, `${spec.name}: worker running in this process`);
    } else {
      connection = lazyClientConnection(config.temporal);
    }
    // With tracing on, a tool's workflow start continues the MCP SERVER span (context in the workflow's headers), and
    // its span links to the workflow in the Web UI.
    const client = new Client({
      connection,
      namespace: spec.namespace(config),
      interceptors: {
        workflow: telemetry.temporalClientInterceptors({
          namespace: spec.namespace(config),
          webUi: configuredWebUi(config.temporalUi),
        }),
      },
    });
    /** Drains the embedded worker (its runtime also does on SIGINT/SIGTERM), then closes the connection. */
    const closeTemporal = async () => {
      if (embedded) {
        if (embedded.worker.worker.getState() === 'RUNNING') embedded.worker.worker.shutdown();
        await embedded.running;
        await embedded.worker.close();
      }
      await connection.close();
      await telemetry.shutdown();
    };
    const parts = await spec.setup({ config, client, log, transport, eagerStart: withWorker });

    if (transport === 'stdio') {
      const sessionId = await parts.stdioSessionId?.();
      log.info(
        { namespace: spec.namespace(config), ...(sessionId ? { session: sessionLogId(sessionId) } : {}) },
        `${spec.name} serving MCP over stdio`,
      );
      await serveStdio(parts.createServer, sessionId);
      await closeTemporal();
      return;
    }

    // Off loopback, anyone who can reach the port could call the tools: refuse to serve without authentication.
    if (!isLoopbackHost(config.mcp.host) && !config.mcp.auth) {
      throw new Error(
        `refusing to serve on MCP_HOST=${config.mcp.host} without authentication: set MCP_AUTH_TOKENS or MCP_AUTH_JWT_ISSUER, or bind to 127.0.0.1`,
      );
    }
    const http = await startMcpHttpServer({
      name: spec.name,
      host: config.mcp.host,
      port: config.listen.port,
      allowedOrigins: config.mcp.allowedOrigins,
      maxBodyBytes: config.mcp.maxBodyBytes,
      createServer: parts.createServer,
      sessions: parts.sessions,
      auth: config.mcp.auth && { config: config.mcp.auth, resource: config.listen.publicUrl },
      health: async () => {
        const temporal = await temporalReachable(connection);
        const workerState = embedded?.worker.worker.getState();
        const checks = {
          temporal: temporal.reachable,
          ...(workerState ? { worker: workerState === 'RUNNING' } : {}),
        };
        return {
          ok: Object.values(checks).every(Boolean),
          checks,
          // For the log only: /healthz never shows where Temporal is or why it failed.
          detail: {
            temporal: { address: config.temporal.address, namespace: spec.namespace(config), ...temporal },
            ...(workerState ? { worker: workerState } : {}),
          },
        };
      },
      log,
    });
    announceReady();
    await new Promise<void>((resolve) => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
      // The worker stops on its own when its runtime takes the signal or it fails: the server goes with it.
      void embedded?.running.then(resolve, resolve);
    });
    log.info('shutting down');
    await http.close();
    await closeTemporal();
  });
}
