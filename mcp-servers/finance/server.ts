/**
 * The Finance MCP server: every finance tool (tool-workers/finance/tools.ts), each call one Temporal
 * workflow. Stateless: a fresh server per HTTP request costs little, and any number of replicas can serve.
 */
import { McpServer, ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
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
import { failureType, describeFailure } from '../../shared/temporal/failures';
import { callerOf } from '../adapter/caller';
import { NotFound, registerFixedResource, registerTemplateResource } from '../adapter/resource-registration';
import { registerDefinedPrompts } from '../adapter/prompt-registration';
import { stockPriceTool } from '../../tool-workers/finance/tools';
import { completeSymbol, quoteResource, supportedSymbols, symbolsResource } from '../../tool-workers/finance/resources';
import { financePrompts } from '../../tool-workers/finance/prompts';

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
  registerFinanceResources(server, workflows);
  registerDefinedPrompts(server, financePrompts);
  return server;
}

/** The finance resources (tool-workers/finance/resources.ts); a quote is one run of stock_price's workflow. */
function registerFinanceResources(server: McpServer, workflows: ToolWorkflowRunner): void {
  registerFixedResource(server, symbolsResource, async () => supportedSymbols());
  registerTemplateResource(
    server,
    quoteResource,
    async ({ symbol }, ctx) => {
      try {
        return stockPriceTool.output.parse(
          await workflows.run(stockPriceTool.name, stockPriceTool.workflow, { symbol }, undefined, callerOf(ctx)),
        );
      } catch (err) {
        const type = failureType(err);
        if (type === 'UnknownSymbol') throw new NotFound(describeFailure(err));
        if (type === 'InvalidInput') throw new ProtocolError(ProtocolErrorCode.InvalidParams, describeFailure(err));
        throw err;
      }
    },
    { symbol: completeSymbol },
  );
}
