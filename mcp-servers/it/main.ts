/** `npm run mcp:it [-- --transport stdio]`: the IT MCP server. */
import { runMcpServerProcess } from '../shared/entrypoint';
import { ToolWorkflowRunner } from '../shared/tool-workflows';
import { createItServer } from './server';
import { ItSessions } from './sessions';

runMcpServerProcess({
  name: 'mcp:it',
  namespace: (config) => config.temporal.namespaces.it,
  port: (config) => config.mcp.itPort,
  publicUrl: (config) => config.mcp.publicUrls.it,
  async setup({ config, client }) {
    const sessions = new ItSessions({ client, taskQueue: config.it.taskQueue, idleTimeoutMs: config.it.sessionIdleTimeoutMs });
    const lookups = new ToolWorkflowRunner({ client, taskQueue: config.it.taskQueue, timeoutMs: config.mcp.toolTimeoutMs });
    return {
      createServer: (context) => createItServer({ context, sessions, lookups }),
      sessions,
      // One stdio process is one session: IT_SESSION_ID keeps it across restarts of the desktop client.
      stdioSessionId: () => sessions.open(undefined, config.it.stdioSessionId),
    };
  },
});
