/** `npm run mcp:it [-- --transport stdio] [-- --with-worker]`: the IT MCP server. */
import {
  callerLimitsSection,
  itMcpListenSection,
  itSection,
  itSessionsSection,
  toolApprovalExpirySection,
  toolApprovalSection,
} from '../../shared/config';
import { runMcpServerProcess } from '../entrypoint';
import { ToolWorkflowRunner } from '../../shared/tools/workflow-runner';
import { createItServer } from './server';
import { TaskWorkflows, taskLimits } from '../adapter/tasks/task-workflows';
import { ItSessions } from '../../tool-workers/it/sessions';
import { PendingApprovals } from '../../shared/tools/pending-approval';

runMcpServerProcess({
  name: 'mcp:it',
  listen: itMcpListenSection,
  sections: { it: itSessionsSection, toolApproval: toolApprovalSection, approvalExpiryMs: toolApprovalExpirySection },
  workerSections: { it: itSection, callerLimits: callerLimitsSection, toolApproval: toolApprovalSection },
  namespace: (config) => config.temporal.namespaces.it,
  // Loaded only with --with-worker.
  worker: async (config, connection, plugins) =>
    (await import('../../tool-workers/it/worker')).createConfiguredItWorker(config, connection, plugins),
  async setup({ config, client, eagerStart }) {
    const sessions = new ItSessions({
      client,
      taskQueue: config.it.taskQueue,
      idleTimeoutMs: config.it.sessionIdleTimeoutMs,
      openLimit: config.mcp.limits.itSessions,
    });
    // Sessions open by signal-with-start, which cannot start eagerly; the lookups can.
    const lookups = new ToolWorkflowRunner({
      client,
      taskQueue: config.it.taskQueue,
      timeoutMs: config.mcp.toolTimeoutMs,
      eagerStart,
    });
    const tasks = new TaskWorkflows({ client, taskQueue: config.it.taskQueue, ...taskLimits(config.mcp.limits) });
    // Approval questions wait in workflows on the IT task queue (its worker registers them).
    const pendingApprovals = new PendingApprovals({
      client,
      taskQueue: config.it.taskQueue,
      expiryMs: config.approvalExpiryMs,
      limit: config.mcp.limits.pendingApprovals,
    });
    return {
      createServer: (context) =>
        createItServer({ context, sessions, lookups, tasks, approvals: config.toolApproval, pendingApprovals }),
      sessions,
      // One stdio process is one session: IT_SESSION_ID keeps it across restarts of the desktop client.
      stdioSessionId: () => sessions.open(undefined, config.it.stdioSessionId),
    };
  },
});
