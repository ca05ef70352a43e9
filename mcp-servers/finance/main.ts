/** `npm run mcp:finance [-- --transport stdio] [-- --with-worker]`: the Finance MCP server. */
import {
  callerLimitsSection,
  financeMcpListenSection,
  financeQueueSection,
  financeSection,
  toolApprovalExpirySection,
  toolApprovalSection,
} from '../../shared/config';
import { runMcpServerProcess } from '../entrypoint';
import { createFinanceServer } from './server';
import { TaskWorkflows, taskLimits } from '../adapter/tasks/task-workflows';
import { ToolWorkflowRunner } from '../../shared/tools/workflow-runner';
import { PendingApprovals } from '../../shared/tools/pending-approval';

runMcpServerProcess({
  name: 'mcp:finance',
  listen: financeMcpListenSection,
  sections: {
    finance: financeQueueSection,
    toolApproval: toolApprovalSection,
    approvalExpiryMs: toolApprovalExpirySection,
  },
  workerSections: { finance: financeSection, callerLimits: callerLimitsSection, toolApproval: toolApprovalSection },
  namespace: (config) => config.temporal.namespaces.finance,
  // Loaded only with --with-worker.
  worker: async (config, connection, plugins) =>
    (await import('../../tool-workers/finance/worker')).createConfiguredFinanceWorker(config, connection, plugins),
  async setup({ config, client, eagerStart }) {
    const workflows = new ToolWorkflowRunner({
      client,
      taskQueue: config.finance.taskQueue,
      timeoutMs: config.mcp.toolTimeoutMs,
      eagerStart,
    });
    const tasks = new TaskWorkflows({ client, taskQueue: config.finance.taskQueue, ...taskLimits(config.mcp.limits) });
    // Approval questions (for tools the operator made need one) wait in workflows on the finance task queue.
    const pendingApprovals = new PendingApprovals({
      client,
      taskQueue: config.finance.taskQueue,
      expiryMs: config.approvalExpiryMs,
      limit: config.mcp.limits.pendingApprovals,
    });
    return {
      createServer: (context) =>
        createFinanceServer({ workflows, tasks, context, approvals: config.toolApproval, pendingApprovals }),
    };
  },
});
