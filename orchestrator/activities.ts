/**
 * The orchestrator's side effects, each an activity: MCP discovery and tool calls over streamable HTTP, the two
 * local tools (calculator, weather), and the manual loop's planning call (orchestrator/manual/planner.ts). Expected
 * tool failures come back as `{ ok: false }` text for the model; only failures worth a retry (a server down, a
 * timeout) are thrown as retryable.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { isInputRequiredResult, type CallToolResult } from '@modelcontextprotocol/client';
import { ProviderError, providerFailure } from '../shared/providers';
import { APPROVAL_META_KEY } from '../shared/tools/approval';
import { ActionPlanner } from './manual/planner';
import type { ActionDecision, PlanRequest } from './contract/planning';
import { McpCallError, type McpClientPool } from './mcp/client-pool';
import { allAnswerable, inputResponsesFor, questionOf } from './mcp/input-requests';
import {
  CALCULATOR_UNAVAILABLE,
  McpFailureType,
  type CallApproval,
  type CallMcpToolInput,
  type InputRequestMap,
  type OrchestratorActivities,
  type PendingInput,
  type RemoteToolList,
  type RemoteToolOutcome,
  type ToolOutcome,
} from './contract/activities';
import { itSessionContract, type ToolDomain } from './contract/conversation';
import { CalculatorInputError } from './tools/calculator-result';
import type { Calculator } from './tools/isolated-calculator';
import { describeWeather, type WeatherProvider } from './tools/weather';

export interface OrchestratorDeps {
  mcp: McpClientPool;
  weather: WeatherProvider;
  /** The manual loop's planner; without one, only the offline model can plan. */
  planner?: ActionPlanner;
}

const failureTypeOfCallError: Record<McpCallError['kind'], McpFailureType> = {
  unreachable: McpFailureType.serverUnavailable,
  rejected: McpFailureType.requestRejected,
};

function mcpFailure(err: unknown): never {
  if (err instanceof McpCallError) {
    const type = failureTypeOfCallError[err.kind];
    throw err.kind === 'unreachable'
      ? ApplicationFailure.retryable(err.message, type)
      : ApplicationFailure.nonRetryable(err.message, type);
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

/** The text of an MCP tool result, as the model reads it. */
function callResultText(result: CallToolResult): string {
  const texts = (result.content ?? [])
    .map((block) => (block.type === 'text' ? block.text : `[${block.type} content]`))
    .filter(Boolean);
  const text = texts.length ? texts.join('\n') : JSON.stringify(result.structuredContent ?? {});
  return result.isError ? `Error: ${text}` : text;
}

function sessionErrorOf(result: CallToolResult): string | undefined {
  const kind = (result._meta as Record<string, unknown> | undefined)?.[itSessionContract.errorMetaKey];
  return typeof kind === 'string' ? kind : undefined;
}

function sessionHandleOf(result: CallToolResult): string | undefined {
  const content = result.structuredContent as Record<string, unknown> | undefined;
  const handle = content && typeof content === 'object' ? content[itSessionContract.handleArgument] : undefined;
  return typeof handle === 'string' && handle !== '' ? handle : undefined;
}

export function createOrchestratorActivities({
  mcp,
  weather,
  planner = new ActionPlanner({ kind: 'offline', model: 'offline' }),
  calculator,
}: OrchestratorDeps & {
  /** The worker's, in a worker thread with time and memory limits (tools/isolated-calculator.ts). */
  calculator?: Calculator;
}): OrchestratorActivities {
  return {
    /** The manual loop asks its model what to do next: call tools, or answer (orchestrator/manual/). */
    async planNextAction(request: PlanRequest): Promise<ActionDecision> {
      return planner.plan(request);
    },

    /** Lists a server's tools, with how long the list may be kept (the workflow keeps it in its catalog). */
    async discoverMcpTools(input: { server: ToolDomain }): Promise<RemoteToolList> {
      try {
        const list = await mcp.listTools(input.server);
        return {
          tools: list.tools.map((t) => ({
            server: input.server,
            name: t.name,
            title: t.title ?? t.annotations?.title,
            description: t.description ?? t.title ?? t.name,
            inputSchema: t.inputSchema as Record<string, unknown>,
            ...(t._meta?.[APPROVAL_META_KEY] === 'required' ? { approval: 'required' as const } : {}),
          })),
          ...(list.ttlMs !== undefined ? { ttlMs: list.ttlMs } : {}),
          ...(list.cacheScope ? { cacheScope: list.cacheScope } : {}),
        };
      } catch (err) {
        return mcpFailure(err);
      }
    },

    /**
     * One tool call; the arguments are sent as given (the workflow has already put the session handle in). A server
     * that asks first (`input_required`) gets the person's answer: `approval` given before the call answers its
     * confirmation at once; otherwise the question goes back to the workflow, which asks and calls again with
     * `resume` and the answer.
     */
    async callMcpTool(input: CallMcpToolInput): Promise<RemoteToolOutcome> {
      const answer = (pending: PendingInput, approval: CallApproval) => ({
        inputResponses: inputResponsesFor(pending.inputRequests, approval),
        ...(pending.requestState !== undefined ? { requestState: pending.requestState } : {}),
      });
      let resume = input.resume && input.approval ? answer(input.resume, input.approval) : undefined;
      try {
        for (let round = 0; ; round++) {
          const result = await mcp.callToolOrAsk(input.server, {
            name: input.tool,
            arguments: input.arguments,
            idempotencyKey: idempotencyKeyOfCurrentActivity(),
            onBehalfOf: input.onBehalfOf,
            ...(resume ? { resume } : {}),
          });
          if (isInputRequiredResult(result)) {
            const pending: PendingInput = {
              inputRequests: (result.inputRequests ?? {}) as InputRequestMap,
              ...(result.requestState !== undefined ? { requestState: result.requestState } : {}),
              question: questionOf((result.inputRequests ?? {}) as InputRequestMap),
            };
            // Approved before it ran: the server's confirmation of this very call is answered once, here.
            if (round === 0 && !input.resume && input.approval?.approved && allAnswerable(pending.inputRequests)) {
              resume = answer(pending, input.approval);
              continue;
            }
            return {
              ok: false,
              text: `Error: ${input.tool} needs an answer first: ${pending.question}`,
              inputRequired: pending,
            };
          }
          const sessionId = sessionHandleOf(result);
          return {
            ok: !result.isError,
            text: callResultText(result),
            ...(sessionId ? { sessionId } : {}),
            ...(result.isError && sessionErrorOf(result) === itSessionContract.notFound
              ? { sessionNotFound: true }
              : {}),
          };
        }
      } catch (err) {
        return mcpFailure(err);
      }
    },

    /**
     * Starts a long-running tool as an MCP task and returns its id at once; the conversation watches it with
     * awaitMcpToolTask and its turn goes on. The activity's idempotency key makes a retried start the same task.
     */
    async startMcpToolTask(input: {
      server: ToolDomain;
      tool: string;
      arguments: Record<string, unknown>;
      onBehalfOf?: string;
    }): Promise<{ taskId: string }> {
      try {
        const { taskId } = await mcp.startToolTask(input.server, {
          name: input.tool,
          arguments: input.arguments,
          idempotencyKey: idempotencyKeyOfCurrentActivity(),
          onBehalfOf: input.onBehalfOf,
        });
        return { taskId };
      } catch (err) {
        return mcpFailure(err);
      }
    },

    /**
     * Follows an MCP task to its end with `tasks/get` at the task's poll interval, heartbeating its status: one
     * activity per task however long it runs, resumed by a retry on another worker if this one dies.
     */
    async awaitMcpToolTask(input: { server: ToolDomain; taskId: string }): Promise<RemoteToolOutcome> {
      const ctx = Context.current();
      for (;;) {
        let task: Awaited<ReturnType<McpClientPool['getToolTask']>>;
        try {
          task = await mcp.getToolTask(input.server, input.taskId);
        } catch (err) {
          return mcpFailure(err);
        }
        if (task.status === 'completed' && task.result) {
          return { ok: !task.result.isError, text: callResultText(task.result) };
        }
        if (task.status === 'failed' || task.status === 'cancelled') {
          return {
            ok: false,
            text: `Error: the task ${task.status}${task.statusMessage ? `: ${task.statusMessage}` : ''}`,
          };
        }
        ctx.heartbeat(task.statusMessage ?? task.status);
        // Between one second and half a minute, whatever the server suggests; a cancelled activity stops here.
        await ctx.sleep(Math.min(30_000, Math.max(1000, task.pollIntervalMs ?? 5000)));
      }
    },

    /** Ends the conversation's IT session with the server's close tool (its session workflow ends with it). */
    async closeMcpSession(input: { server: ToolDomain; sessionId: string; onBehalfOf?: string }): Promise<void> {
      let result: CallToolResult;
      try {
        result = await mcp.callTool(input.server, {
          name: itSessionContract.closeTool,
          arguments: { [itSessionContract.handleArgument]: input.sessionId },
          idempotencyKey: idempotencyKeyOfCurrentActivity(),
          onBehalfOf: input.onBehalfOf,
        });
      } catch (err) {
        return mcpFailure(err);
      }
      // Already ended (idle expiry, or closed by an earlier attempt of this activity): nothing left to do.
      if (!result.isError || sessionErrorOf(result) === itSessionContract.notFound) return;
      throw ApplicationFailure.nonRetryable(
        `closing the ${input.server} session failed: ${callResultText(result)}`,
        McpFailureType.requestRejected,
      );
    },

    /** A refused expression, too large ones included, is an answer the model reads, not a failure to retry. */
    async calculate(input: { expression: string }): Promise<ToolOutcome> {
      if (!calculator) throw ApplicationFailure.nonRetryable('this worker has no calculator', CALCULATOR_UNAVAILABLE);
      try {
        return { ok: true, text: (await calculator.calculate(String(input.expression ?? ''))).text };
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
