/**
 * The Finance MCP server: every finance tool (tool-workers/finance/tools.ts), each call one Temporal
 * workflow. Stateless: a fresh server per HTTP request costs little, and any number of replicas can serve.
 */
import { McpServer } from '@modelcontextprotocol/server';
import type { AnyWorkflowRunTool } from '../../shared/tools/definition';
import { financeTools } from '../../tool-workers/finance/tools';
import { LIST_CACHE_HINTS } from '../adapter/list-cache';
import { offerTasks, registerWorkflowTools } from '../adapter/tasks/task-tools';
import type { TaskWorkflows } from '../adapter/tasks/task-workflows';
import type { ToolWorkflowRunner } from '../../shared/tools/workflow-runner';
import type { McpServeContext } from '../transports/http';
import { approvalServerOptions, useApprovalPolicy } from '../adapter/approvals';
import type { PendingApprovals } from '../../shared/tools/pending-approval';
import type { ApprovalPolicy } from '../../shared/tools/approval';

export const financeServerInfo = { name: 'finance-mcp', title: 'Finance tools (Temporal-backed)', version: '0.2.0' };

export interface FinanceServerDeps {
  workflows: ToolWorkflowRunner;
  /** The tools to serve; the finance contract's by default. */
  tools?: readonly AnyWorkflowRunTool[];
  /** MCP tasks as Temporal workflows: with it, 2026-07-28 clients that declare the tasks extension get tasks. */
  tasks?: TaskWorkflows;
  context?: McpServeContext;
  /** Which calls need approval (TOOL_APPROVAL*); absent: each tool's default (no finance tool needs one). */
  approvals?: ApprovalPolicy;
  /** Durable approval questions: with it, a client that declared elicitation is asked; without, refused. */
  pendingApprovals?: PendingApprovals;
}

export function createFinanceServer({
  workflows,
  tools = financeTools,
  tasks,
  context,
  approvals,
  pendingApprovals,
}: FinanceServerDeps): McpServer {
  const server = new McpServer(financeServerInfo, {
    instructions:
      'Stock quotes and investment growth. Each call runs as a durable Temporal workflow; pass _meta.idempotencyKey to make a call safe to repeat.',
    cacheHints: LIST_CACHE_HINTS,
    ...approvalServerOptions(pendingApprovals),
  });
  useApprovalPolicy(server, approvals, pendingApprovals, context?.clientCapabilities);
  offerTasks(server, context, tasks, registerWorkflowTools(server, tools, workflows, tasks));
  return server;
}
