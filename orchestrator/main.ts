/** `npm run worker:orchestrator`: the conversation workflows and their activities. */
import { loadConfig } from '../shared/config';
import { createLogger } from '../shared/logger';
import { runMain } from '../shared/main';
import { connectWorker } from '../shared/temporal/connection';
import { installTemporalRuntime } from '../shared/temporal/runtime';
import { McpClientPool } from './mcp/client-pool';
import { createAgentsPlugin } from './plugin';
import { createWeatherProvider } from './tools/weather';
import { createOrchestratorWorker } from './worker';
import { announceReady } from '../shared/ready';

runMain('worker:orchestrator', async () => {
  const config = loadConfig();
  const { orchestrator } = config;
  const log = createLogger('worker:orchestrator', config.logLevel);
  installTemporalRuntime(log);
  const connection = await connectWorker(config.temporal);
  const mcp = new McpClientPool({ servers: orchestrator.mcpServers, requestTimeoutMs: orchestrator.mcpCallTimeoutMs, token: orchestrator.mcpToken });
  const weather = createWeatherProvider(orchestrator.weather);
  try {
    const worker = await createOrchestratorWorker({
      connection,
      namespace: config.temporal.namespaces.orchestrator,
      taskQueue: orchestrator.taskQueue,
      deps: { mcp, weather },
      plugin: createAgentsPlugin(orchestrator),
    });
    log.info(
      {
        namespace: config.temporal.namespaces.orchestrator,
        taskQueue: orchestrator.taskQueue,
        model: orchestrator.llm.model,
        provider: orchestrator.llm.kind,
        mcpServers: orchestrator.mcpServers,
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
  }
});
