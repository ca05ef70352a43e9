/** `npm run mcp:finance [-- --transport stdio] [-- --with-worker]`: the Finance MCP server. */
import { runMcpServerProcess } from '../shared/entrypoint';
import { createFinanceServer } from './server';
import { ToolWorkflowRunner } from '../shared/tool-workflows';

runMcpServerProcess({
  name: 'mcp:finance',
  namespace: (config) => config.temporal.namespaces.finance,
  port: (config) => config.mcp.financePort,
  publicUrl: (config) => config.mcp.publicUrls.finance,
  // Loaded only with --with-worker.
  worker: async (config, connection) => (await import('../../tool-workers/finance/worker')).createConfiguredFinanceWorker(config, connection),
  async setup({ config, client, eagerStart }) {
    const workflows = new ToolWorkflowRunner({ client, taskQueue: config.finance.taskQueue, timeoutMs: config.mcp.toolTimeoutMs, eagerStart });
    return { createServer: () => createFinanceServer({ workflows }) };
  },
});
