/** `npm run mcp:finance [-- --transport stdio]`: the Finance MCP server. */
import { runMcpServerProcess } from '../shared/entrypoint';
import { createFinanceServer } from './server';
import { ToolWorkflowRunner } from '../shared/tool-workflows';

runMcpServerProcess({
  name: 'mcp:finance',
  namespace: (config) => config.temporal.namespaces.finance,
  port: (config) => config.mcp.financePort,
  publicUrl: (config) => config.mcp.publicUrls.finance,
  async setup({ config, client }) {
    const workflows = new ToolWorkflowRunner({ client, taskQueue: config.finance.taskQueue, timeoutMs: config.mcp.toolTimeoutMs });
    return { createServer: () => createFinanceServer({ workflows }) };
  },
});
