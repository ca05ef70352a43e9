/**
 * `npm run worker:orchestrator`: the conversation workflows and their activities. It reads Temporal's settings and
 * the orchestrator's (the model among them), no others.
 */
import { orchestratorSection, temporalRuntimeMetricsSection, temporalSection } from '../shared/config';
import { loadProcessConfig, runMain } from '../shared/main';
import { assertNamespaceExists, connectWorker } from '../shared/temporal/connection';
import { assertNexusEndpointsExist } from '../shared/temporal/nexus-endpoints';
import { startTelemetry } from '../shared/telemetry';
import { installTemporalRuntime } from '../shared/temporal/runtime';
import { ActionPlanner } from './manual/planner';
import { McpClientPool } from './mcp/client-pool';
import { createAgentsPlugin } from './plugin';
import { createWeatherProvider } from './tools/weather';
import { createOrchestratorWorker } from './worker';
import { announceReady } from '../shared/ready';

runMain('worker:orchestrator', async () => {
  const { config, log } = loadProcessConfig('worker:orchestrator', {
    temporal: temporalSection,
    orchestrator: orchestratorSection,
    runtimeMetrics: temporalRuntimeMetricsSection,
  });
  const { orchestrator } = config;
  const telemetry = await startTelemetry('worker:orchestrator');
  installTemporalRuntime(log, 'INFO', { metrics: config.runtimeMetrics });
  const connection = await connectWorker(config.temporal);
  const mcp = new McpClientPool({
    servers: orchestrator.mcpServers,
    requestTimeoutMs: orchestrator.mcpCallTimeoutMs,
    token: orchestrator.mcpToken,
  });
  const weather = createWeatherProvider(orchestrator.weather);
  try {
    await assertNamespaceExists(connection, config.temporal, config.temporal.namespaces.orchestrator);
    if (orchestrator.toolTransport === 'nexus') {
      // The tool workers' task queues are theirs to configure; the command names the variable that sets each.
      await assertNexusEndpointsExist(connection, [
        {
          name: orchestrator.nexusEndpoints.finance,
          namespace: config.temporal.namespaces.finance,
          taskQueue: '<FINANCE_TASK_QUEUE, finance-tools by default>',
        },
        {
          name: orchestrator.nexusEndpoints.it,
          namespace: config.temporal.namespaces.it,
          taskQueue: '<IT_TASK_QUEUE, it-tools by default>',
        },
      ]);
    }
    const worker = await createOrchestratorWorker({
      connection,
      namespace: config.temporal.namespaces.orchestrator,
      taskQueue: orchestrator.taskQueue,
      deps: { mcp, weather, planner: new ActionPlanner(orchestrator.llm, { timeoutMs: orchestrator.modelTimeoutMs }) },
      plugin: createAgentsPlugin(orchestrator),
      telemetryPlugins: telemetry.temporalWorkerPlugins,
    });
    log.info(
      {
        namespace: config.temporal.namespaces.orchestrator,
        taskQueue: orchestrator.taskQueue,
        model: orchestrator.llm.model,
        provider: orchestrator.llm.kind,
        toolTransport: orchestrator.toolTransport,
        ...(orchestrator.toolTransport === 'nexus'
          ? { nexusEndpoints: orchestrator.nexusEndpoints }
          : { mcpServers: orchestrator.mcpServers }),
        weather: weather.name,
      },
      'orchestrator worker ready',
    );
    announceReady();
    await worker.run(); // returns after SIGINT/SIGTERM have drained it
  } finally {
    await mcp.close();
    await weather.close?.();
    await connection.close();
    await telemetry.shutdown();
  }
});
