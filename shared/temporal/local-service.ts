/**
 * The local Temporal service for `npm run temporal` and `npm start`: reuse the server at TEMPORAL_ADDRESS when one
 * answers (registering the project's namespaces if missing), otherwise start `temporal server start-dev` there
 * (loopback only) persisting to SQLite under the data folder. A server started here ends with this process, however
 * this process ends (a watchdog); a reused one is left alone.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { AppConfig } from '../config';
import { assertPortFree } from '../launcher/ports';
import { startWatchdog } from '../launcher/watchdog';
import type { Logger } from '../logger';
import { StartupError } from '../main';
import { findTemporalCli } from './cli-binary';
import {
  ensureNamespaces,
  isLoopbackAddress,
  isTemporalServing,
  spawnDevServer,
  splitAddress,
  waitUntilServing,
  type RunningDevServer,
} from './dev-server';
import { ensureProjectNexusEndpoints, type NexusEndpointSpec } from './nexus-endpoints';
import { findTemporalWebUi } from './web-ui';
import { NamespaceNotKnown } from './new-namespace';
import { temporalConnectionOptions } from './connection';

export interface LocalTemporal {
  /** The dev server this process started; undefined when an existing server was reused. */
  server?: RunningDevServer;
  /** Its Web UI: the dev server's when it was started here; for a reused server, only one known to show it (web-ui.ts). */
  webUi?: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Own process group: a terminal's Ctrl-C reaches only the launcher, which stops the server last. */
  detached?: boolean;
  /** Send the server's own output to `<data dir>/temporal-dev-server.log` instead of stderr. */
  logToFile?: boolean;
  /** Keep the server's data in memory instead of SQLite on disk (benchmarks: no fsync noise). */
  inMemory?: boolean;
  /** Nexus endpoints to create (or re-target) once the server answers. */
  nexusEndpoints?: NexusEndpointSpec[];
}

export async function startOrReuseTemporal(
  config: Pick<AppConfig, 'temporal' | 'temporalUi' | 'devServer'>,
  log: Logger,
  opts: StartOptions = {},
): Promise<LocalTemporal> {
  const { temporal, devServer } = config;
  const namespaces = [temporal.namespaces.orchestrator, temporal.namespaces.finance, temporal.namespaces.it];

  if (await isTemporalServing(temporal)) {
    // A namespace the server does not know in time is fatal (nothing would run in it); anything else, such as no
    // permission to register namespaces or endpoints (Temporal Cloud: Terraform's job), is a warning.
    const onWait = (line: string) => log.info(line);
    const created = await ensureNamespaces(temporal, namespaces, { onWait }).catch((err: Error) => {
      if (err instanceof NamespaceNotKnown) throw err;
      log.warn(
        { err: err.message },
        'could not check or register namespaces; register them yourself if they are missing',
      );
      return [];
    });
    const endpoints = await ensureProjectNexusEndpoints(temporal, opts.nexusEndpoints ?? [], { onWait }).catch(
      (err: Error) => {
        if (err instanceof NamespaceNotKnown) throw err;
        log.warn(
          { err: err.message },
          'could not check or create the Nexus endpoints; create them yourself for TOOL_TRANSPORT=nexus (docs/nexus.md)',
        );
        return [];
      },
    );
    log.info(
      { address: temporal.address, created, endpoints },
      'a Temporal server already answers at TEMPORAL_ADDRESS; starting nothing',
    );
    return { webUi: await reusedServerWebUi(config), stop: async () => undefined };
  }
  if (!isLoopbackAddress(temporal.address)) {
    throw new StartupError(
      `no Temporal server answers at TEMPORAL_ADDRESS=${temporal.address}: start it, or unset TEMPORAL_ADDRESS to use a local dev server (\`npm run temporal\`; \`npm start\` starts one itself)`,
    );
  }
  // Something else on these ports would make the dev server die with a bind error deep in its log.
  const { host, port } = splitAddress(temporal.address);
  const ip = host === 'localhost' ? '127.0.0.1' : host.replace(/^\[|\]$/g, '');
  await assertPortFree({ host: ip, port, what: 'the Temporal dev server', setting: 'TEMPORAL_ADDRESS (host:port)' });
  await assertPortFree({ host: ip, port: devServer.uiPort, what: 'the Temporal Web UI', setting: 'TEMPORAL_UI_PORT' });

  const cliPath = await findTemporalCli({ explicitPath: devServer.cliPath, cacheDir: devServer.cliCacheDir });
  const dbFile = opts.inMemory ? undefined : path.join(devServer.dataDir, 'temporal.db');
  mkdirSync(devServer.dataDir, { recursive: true });
  const logFile = path.join(devServer.dataDir, 'temporal-dev-server.log');
  const server = spawnDevServer({
    cliPath,
    address: temporal.address,
    uiPort: devServer.uiPort,
    dbFile,
    namespaces,
    detached: opts.detached,
    stdio: opts.logToFile ? { logFile } : 'inherit-stderr',
  });
  const watchdog = server.process.pid === undefined ? undefined : startWatchdog(server.process.pid);
  const stop = async () => {
    await server.stop();
    await watchdog?.release();
  };
  try {
    await waitUntilServing(temporal, server);
  } catch (err) {
    await stop();
    throw new StartupError(`${(err as Error).message}${opts.logToFile ? `; its log: ${logFile}` : ''}`);
  }
  try {
    await ensureProjectNexusEndpoints(temporal, opts.nexusEndpoints ?? []);
  } catch (err) {
    await stop();
    throw new StartupError(`could not create the Nexus endpoints: ${(err as Error).message}`);
  }
  const webUi = config.temporalUi.url ?? `http://127.0.0.1:${devServer.uiPort}`;
  log.info(
    { address: temporal.address, webUi, dbFile, namespaces, cli: cliPath, ...(opts.logToFile ? { log: logFile } : {}) },
    'Temporal dev server is up',
  );
  return { server, webUi, stop };
}

/** TEMPORAL_UI_URL, or a dev server's UI found to show this cluster; none for a server whose UI is unknown. */
async function reusedServerWebUi(config: Pick<AppConfig, 'temporal' | 'temporalUi'>): Promise<string | undefined> {
  const connection = await Connection.connect(temporalConnectionOptions(config.temporal)).catch(() => undefined);
  if (!connection) return config.temporalUi.url;
  try {
    return await findTemporalWebUi(
      connection,
      config.temporal,
      config.temporalUi,
      config.temporal.namespaces.orchestrator,
    );
  } finally {
    await connection.close();
  }
}
