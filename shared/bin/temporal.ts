/**
 * `npm run temporal`: the local Temporal service. Uses the server at TEMPORAL_ADDRESS when one answers; otherwise
 * starts `temporal server start-dev` there (loopback only), persisting to SQLite under the data folder. The server
 * it started ends with it, even if it is killed with kill -9 (a watchdog, shared/launcher/watchdog.ts).
 */
import {
  devServerSection,
  financeQueueSection,
  itSessionsSection,
  nexusEndpointNamesSection,
  temporalSection,
  temporalUiSection,
} from '../config';
import { loadProcessConfig, runMain } from '../main';
import { startOrReuseTemporal } from '../temporal/local-service';
import { projectNexusEndpoints } from '../temporal/nexus-endpoints';

runMain('temporal', async () => {
  const { config, log } = loadProcessConfig('temporal', {
    temporal: temporalSection,
    temporalUi: temporalUiSection,
    devServer: devServerSection,
    finance: financeQueueSection,
    it: itSessionsSection,
    nexusEndpoints: nexusEndpointNamesSection,
  });
  const nexusEndpoints = projectNexusEndpoints({
    temporal: config.temporal,
    names: config.nexusEndpoints,
    taskQueues: { finance: config.finance.taskQueue, it: config.it.taskQueue },
  });
  const local = await startOrReuseTemporal(config, log, { nexusEndpoints });
  if (!local.server) return;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void local.stop());
  log.info('Ctrl-C stops the dev server');
  const code = await local.server.exited;
  process.exitCode = code ?? 0;
});
