/** `npm run worker:finance`: the finance tool worker. It reads Temporal's settings, the finance ones and the per-caller limits (for Nexus callers), no others. */
import {
  callerLimitsSection,
  financeSection,
  temporalRuntimeMetricsSection,
  temporalSection,
  toolApprovalSection,
} from '../../shared/config';
import { loadProcessConfig, runMain } from '../../shared/main';
import { announceReady } from '../../shared/ready';
import { assertNamespaceExists, connectWorker } from '../../shared/temporal/connection';
import { startTelemetry } from '../../shared/telemetry';
import { installTemporalRuntime } from '../../shared/temporal/runtime';
import { createConfiguredFinanceWorker } from './worker';

runMain('worker:finance', async () => {
  const { config, log } = loadProcessConfig('worker:finance', {
    temporal: temporalSection,
    finance: financeSection,
    runtimeMetrics: temporalRuntimeMetricsSection,
    callerLimits: callerLimitsSection,
    toolApproval: toolApprovalSection,
  });
  const telemetry = await startTelemetry('worker:finance');
  installTemporalRuntime(log, 'INFO', { metrics: config.runtimeMetrics });
  const connection = await connectWorker(config.temporal);
  try {
    await assertNamespaceExists(connection, config.temporal, config.temporal.namespaces.finance);
    const { worker, details, close } = await createConfiguredFinanceWorker(
      config,
      connection,
      telemetry.temporalWorkerPlugins,
    );
    try {
      log.info(details, 'finance worker ready');
      announceReady();
      await worker.run(); // returns after SIGINT/SIGTERM have drained it
    } finally {
      await close();
    }
  } finally {
    await connection.close();
    await telemetry.shutdown();
  }
});
