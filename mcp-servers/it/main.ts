/** `npm run mcp:it [-- --transport stdio] [-- --with-worker]`: the IT MCP server. */
import { runMcpServerProcess } from '../shared/entrypoint';
import { ToolWorkflowRunner } from '../shared/tool-workflows';
import { createItServer } from './server';
import { ItSessions } from './sessions';

runMcpServerProcess({
  name: 'mcp:it',
  namespace: (config) => config.temporal.namespaces.it,
  port: (config) => config.mcp.itPort,
  publicUrl: (config) => config.mcp.publicUrls.it,
  // Loaded only with --with-worker.
  worker: async (config, connection) => (await import('../../tool-workers/it/worker')).createConfiguredItWorker(config, connection),
  async setup({ config, client, eagerStart }) {
    const sessions = new ItSessions({ client, taskQueue: config.it.taskQueue, idleTimeoutMs: config.it.sessionIdleTimeoutMs });
    // Sessions open by signal-with-start, which cannot start eagerly; the lookups can.
    const lookups = new ToolWorkflowRunner({ client, taskQueue: config.it.taskQueue, timeoutMs: config.mcp.toolTimeoutMs, eagerStart });
    return {
      createServer: (context) => createItServer({ context, sessions, lookups }),
      sessions,
      // One stdio process is one session: IT_SESSION_ID keeps it across restarts of the desktop client.
      stdioSessionId: () => sessions.open(undefined, config.it.stdioSessionId),
    };
  },
});
