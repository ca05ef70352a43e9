/**
 * `npm run temporal`: the local Temporal service. Uses the server at TEMPORAL_ADDRESS when one answers; otherwise
 * starts `temporal server start-dev` there (loopback only), persisting to SQLite under the data folder.
 */
import path from 'node:path';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { runMain } from '../main';
import { findTemporalCli } from '../temporal/cli-binary';
import { ensureNamespaces, isLoopbackAddress, isTemporalServing, spawnDevServer, waitUntilServing } from '../temporal/dev-server';

runMain('temporal', async () => {
  const config = loadConfig();
  const log = createLogger('temporal', config.logLevel);
  const { temporal, devServer } = config;
  const namespaces = [temporal.namespaces.orchestrator, temporal.namespaces.finance, temporal.namespaces.it];

  if (await isTemporalServing(temporal)) {
    const created = await ensureNamespaces(temporal, namespaces).catch((err: Error) => {
      log.warn({ err: err.message }, 'could not check or register namespaces; register them yourself if they are missing');
      return [];
    });
    log.info({ address: temporal.address, created }, 'a Temporal server already answers at TEMPORAL_ADDRESS; starting nothing');
    return;
  }
  if (!isLoopbackAddress(temporal.address)) {
    throw new Error(`no Temporal server answers at TEMPORAL_ADDRESS=${temporal.address}, and a dev server is only started on loopback`);
  }

  const cliPath = await findTemporalCli({ explicitPath: devServer.cliPath, cacheDir: devServer.cliCacheDir });
  const dbFile = path.join(devServer.dataDir, 'temporal.db');
  const server = spawnDevServer({ cliPath, address: temporal.address, uiPort: devServer.uiPort, dbFile, namespaces });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void server.stop());
  await waitUntilServing(temporal, server);
  log.info(
    { address: temporal.address, webUi: `http://127.0.0.1:${devServer.uiPort}`, dbFile, namespaces, cli: cliPath },
    'Temporal dev server is up (Ctrl-C stops it)',
  );
  const code = await server.exited;
  process.exitCode = code ?? 0;
});
