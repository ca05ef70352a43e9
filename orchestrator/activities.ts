/**
 * The orchestrator's side effects, each an activity: MCP discovery and tool calls over streamable HTTP, and the two
 * local tools (calculator, weather). Expected tool failures come back as `{ ok: false }` text for the model;
 * only failures worth a retry (a server down, a timeout) are thrown as retryable.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ProviderError, providerFailure } from '../shared/providers';
import { McpCallError, type McpClientPool } from './mcp/client-pool';
import type { McpServerName, McpToolDescriptor } from './shared';
import { calculate, CalculatorInputError } from './tools/calculator';
import { describeWeather, type WeatherProvider } from './tools/weather';

export interface OrchestratorDeps {
  mcp: McpClientPool;
  weather: WeatherProvider;
}

export interface ToolOutcome {
  ok: boolean;
  /** What the model reads. */
  text: string;
}

const failureType: Record<McpCallError['kind'], string> = {
  unreachable: 'McpServerUnavailable',
  'session-not-found': 'McpSessionNotFound',
  rejected: 'McpRequestRejected',
};

function mcpFailure(err: unknown): never {
  if (err instanceof McpCallError) {
    const type = failureType[err.kind];
    throw err.kind === 'unreachable' ? ApplicationFailure.retryable(err.message, type) : ApplicationFailure.nonRetryable(err.message, type);
  }
  throw err;
}

/**
 * Stable across retries of one activity, unique across everything else: the MCP server turns it into a workflow
 * id, so a retried call attaches to the first attempt's execution instead of running the tool again.
 */
export function idempotencyKeyOfCurrentActivity(): string {
  const { workflowExecution, activityId } = Context.current().info;
  if (!workflowExecution) throw new Error('an MCP tool call runs as a workflow activity');
  return `${workflowExecution.workflowId}:${workflowExecution.runId.slice(0, 8)}:${activityId}`.slice(-200);
}

export function toolResultText(result: CallToolResult): string {
  const texts = (result.content ?? [])
    .map((block) => (block.type === 'text' ? block.text : `[${block.type} content]`))
    .filter(Boolean);
  const text = texts.length ? texts.join('\n') : JSON.stringify(result.structuredContent ?? {});
  return result.isError ? `Error: ${text}` : text;
}

export function createOrchestratorActivities({ mcp, weather }: OrchestratorDeps) {
  return {
    /**
     * Lists a server's tools. Without a session id this connects afresh; a stateful server (IT) then opens the
     * conversation's session, and its id comes back to be kept in workflow state.
     */
    async discoverMcpTools(input: { server: McpServerName; sessionId?: string }): Promise<{ tools: McpToolDescriptor[]; sessionId?: string }> {
      try {
        const sessionId = input.sessionId ?? (await mcp.connectFresh(input.server));
        const tools = await mcp.listTools(input.server, sessionId);
        return {
          sessionId,
          tools: tools.map((t) => ({
            server: input.server,
            name: t.name,
            title: t.title ?? t.annotations?.title,
            description: t.description ?? t.title ?? t.name,
            inputSchema: t.inputSchema as Record<string, unknown>,
          })),
        };
      } catch (err) {
        return mcpFailure(err);
      }
    },

    async callMcpTool(input: { server: McpServerName; tool: string; arguments: Record<string, unknown>; sessionId?: string; onBehalfOf?: string }): Promise<ToolOutcome> {
      try {
        const result = await mcp.callTool(
          input.server,
          { name: input.tool, arguments: input.arguments, idempotencyKey: idempotencyKeyOfCurrentActivity(), onBehalfOf: input.onBehalfOf },
          input.sessionId,
        );
        return { ok: !result.isError, text: toolResultText(result) };
      } catch (err) {
        return mcpFailure(err);
      }
    },

    /** Ends the conversation's MCP session on the server (its IT session workflow ends with it). */
    async closeMcpSession(input: { server: McpServerName; sessionId: string }): Promise<void> {
      try {
        await mcp.closeSession(input.server, input.sessionId);
      } catch (err) {
        if (err instanceof McpCallError && err.kind === 'session-not-found') return;
        return mcpFailure(err);
      }
    },

    async calculate(input: { expression: string }): Promise<ToolOutcome> {
      try {
        return { ok: true, text: calculate(String(input.expression ?? '')).text };
      } catch (err) {
        if (err instanceof CalculatorInputError) return { ok: false, text: `Error: ${err.message}` };
        throw err;
      }
    },

    async currentWeather(input: { city: string }): Promise<ToolOutcome> {
      try {
        return { ok: true, text: describeWeather(await weather.current(String(input.city ?? ''))) };
      } catch (err) {
        if (err instanceof ProviderError) {
          if (err.kind === 'rejected') return { ok: false, text: `Error: ${err.message}` };
          throw providerFailure(err, 'Weather');
        }
        throw err;
      }
    },
  };
}

export type OrchestratorActivities = ReturnType<typeof createOrchestratorActivities>;
