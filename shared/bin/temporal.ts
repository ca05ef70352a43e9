/**
 * `npm run temporal`: the local Temporal service. Uses the server at TEMPORAL_ADDRESS when one answers; otherwise
 * starts `temporal server start-dev` there (loopback only), persisting to SQLite under the data folder. The server
 * it started ends with it, even if it is killed with kill -9 (a watchdog, shared/launcher/watchdog.ts).
 */
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { runMain } from '../main';
import { startOrReuseTemporal } from '../temporal/local-service';

runMain('temporal', async () => {
  const config = loadConfig();
  const log = createLogger('temporal', config.logLevel);
  const local = await startOrReuseTemporal(config, log);
  if (!local.server) return;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void local.stop());
  log.info('Ctrl-C stops the dev server');
  const code = await local.server.exited;
  process.exitCode = code ?? 0;
});
