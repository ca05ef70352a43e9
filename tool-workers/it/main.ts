/** `npm run worker:it`: the IT tool worker. It reads Temporal's settings, the IT ones and the per-caller limits (for Nexus callers), no others. */
import {
  callerLimitsSection,
  itSection,
  temporalRuntimeMetricsSection,
  temporalSection,
  toolApprovalSection,
} from '../../shared/config';
import { loadProcessConfig, runMain } from '../../shared/main';
import { announceReady } from '../../shared/ready';
import { assertNamespaceExists, connectWorker } from '../../shared/temporal/connection';
import { startTelemetry } from '../../shared/telemetry';
import { installTemporalRuntime } from '../../shared/temporal/runtime';
import { createConfiguredItWorker } from './worker';

runMain('worker:it', async () => {
  const { config, log } = loadProcessConfig('worker:it', {
    temporal: temporalSection,
    it: itSection,
    runtimeMetrics: temporalRuntimeMetricsSection,
    callerLimits: callerLimitsSection,
    toolApproval: toolApprovalSection,
  });
  const telemetry = await startTelemetry('worker:it');
  installTemporalRuntime(log, 'INFO', { metrics: config.runtimeMetrics });
  const connection = await connectWorker(config.temporal);
  try {
    await assertNamespaceExists(connection, config.temporal, config.temporal.namespaces.it);
    const { worker, details, close } = await createConfiguredItWorker(
      config,
      connection,
      telemetry.temporalWorkerPlugins,
    );
    try {
      log.info(details, 'IT worker ready');
      announceReady();
      await worker.run();
    } finally {
      await close();
    }
  } finally {
    await connection.close();
    await telemetry.shutdown();
  }
});
