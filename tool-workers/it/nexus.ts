/**
 * The IT Nexus service's handlers, registered on the IT worker. `get_ip` is one workflow run (a workflow-run
 * operation); the session tools read and write the session workflow named by `session_id`, exactly as the MCP server
 * does (./session-tools.ts), as synchronous operations: each is a Signal or a Query plus at most one short lookup
 * workflow, well inside a Nexus request's deadline.
 *
 * Idempotency: the Nexus request id, which every retry of an operation carries, is the call's key. A first write
 * without a handle opens the session its request id names, and the session applies a write once per request id.
 * Errors: a bad request or an unknown, ended or foreign handle is a non-retryable BAD_REQUEST or NOT_FOUND whose
 * message says what to do, as the MCP tool error does.
 *
 * Limits: a Nexus caller's open sessions and running watches are bounded as an MCP caller's are (`limits`), each
 * Nexus caller on its own; a start past a bound is a non-retryable RESOURCE_EXHAUSTED naming the limit and setting.
 */
import { getClient, operationInfo, WorkflowRunOperationHandler } from '@temporalio/nexus';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import * as nexus from 'nexus-rpc';
import { describeFailure } from '../../shared/temporal/failures';
import type { CallerLimit } from '../../shared/temporal/caller-limits';
import { SESSION_NOT_FOUND } from '../../shared/tools/session-handle';
import { nexusCaller } from '../../shared/tools/nexus-caller';
import { startOperationWorkflow } from '../../shared/tools/nexus-callbacks';
import { parseToolInput, toolServiceHandler } from '../../shared/tools/nexus-handlers';
import { checkLongRunningLimit, limitRefusal } from '../../shared/tools/nexus-limits';
import { keyedWorkflowId, toolRunRecord, ToolWorkflowRunner } from '../../shared/tools/workflow-runner';
import {
  ItTools,
  itSessionTools,
  sessionToolFailure,
  type SessionTarget,
  type SessionToolRun,
  type ToolCall,
} from './session-tools';
import { ItSessions } from './sessions';
import { itService, itTools, watchIpTool } from './tools';
import type { ipWatchWorkflow } from './workflows';
import type { AnyToolDefinition } from '../../shared/tools/definition';
import type { ApprovalPolicy } from '../../shared/tools/approval';

export interface ItNexusOptions {
  /** A session opened through Nexus ends after this long without use, as one opened through MCP. */
  sessionIdleTimeoutMs: number;
  /** Bounds a lookup workflow a session tool waits for. */
  toolTimeoutMs: number;
  /** Per Nexus caller: open sessions, and running `watch_ip` workflows; absent: no bound. */
  limits?: { itSessions?: CallerLimit; longRunning?: CallerLimit };
  /** Which calls need approval (TOOL_APPROVAL*), checked before any handler runs; absent: each tool's default. */
  approvals?: ApprovalPolicy;
}

export function createItNexusHandler(opts: ItNexusOptions) {
  // One client per worker connection and namespace (the handler context's), built on first use.
  const perClient = new WeakMap<Client, ItTools>();
  const toolsFor = (): ItTools => {
    const client = getClient();
    let tools = perClient.get(client);
    if (!tools) {
      const { taskQueue } = operationInfo();
      const sessions = new ItSessions({
        client,
        taskQueue,
        idleTimeoutMs: opts.sessionIdleTimeoutMs,
        openLimit: opts.limits?.itSessions,
      });
      tools = new ItTools(sessions, new ToolWorkflowRunner({ client, taskQueue, timeoutMs: opts.toolTimeoutMs }));
      perClient.set(client, tools);
    }
    return tools;
  };

  /** A call's failure as a Nexus handler error: the caller's mistakes are never retried, nor are spent lookups. */
  function failure(tool: AnyToolDefinition, err: unknown): nexus.HandlerError {
    const known = sessionToolFailure(err);
    if (known?.kind === 'limit') return limitRefusal(known.error);
    if (known)
      return new nexus.HandlerError(known.kind === SESSION_NOT_FOUND ? 'NOT_FOUND' : 'BAD_REQUEST', known.message);
    // A lookup workflow that failed has spent its own retries (an unknown Jira project fails at once): retrying the
    // operation would only repeat it. Anything else (Temporal briefly unreachable, say) is worth a retry.
    return new nexus.HandlerError('INTERNAL', `${tool.name} failed: ${describeFailure(err)}`, {
      cause: err,
      retryableOverride: err instanceof WorkflowFailedError ? false : undefined,
    });
  }
  /** Nexus has no connection session: a call acts on the session its `session_id` names, or by its tool's policy. */
  const named = (id: string | undefined): SessionTarget | undefined => (id ? { id, open: false } : undefined);
  const callOf = (ctx: nexus.StartOperationContext): ToolCall => ({ who: nexusCaller(ctx), key: ctx.requestId });

  /** A session tool as a synchronous operation, with MCP's errors as Nexus handler errors. */
  const sessionOperation =
    (tool: SessionToolRun) =>
    async (ctx: nexus.StartOperationContext, input: unknown): Promise<unknown> => {
      const args = parseToolInput(tool.definition, input);
      const call = callOf(ctx);
      try {
        return await toolsFor().run(tool, args, named(args.session_id), call);
      } catch (err) {
        throw failure(tool.definition, err);
      }
    };

  /** watch_ip's session, resolved (opened, for a new one) by its policy as the session tools resolve theirs. */
  async function watchInput(ctx: nexus.StartOperationContext, input: unknown) {
    const { session_id, every_seconds, for_minutes } = parseToolInput(watchIpTool, input);
    const call = callOf(ctx);
    try {
      const tools = toolsFor();
      return await tools.watchInput(
        tools.target(watchIpTool, named(session_id), call),
        { every_seconds, for_minutes },
        call,
      );
    } catch (err) {
      throw failure(watchIpTool, err);
    }
  }

  return toolServiceHandler(
    itService,
    itTools,
    {
      ...Object.fromEntries(itSessionTools.map((tool) => [tool.definition.name, sessionOperation(tool)])),
      // Long-running: the operation is the watch's workflow (asynchronous), started once its session is known.
      watch_ip: new WorkflowRunOperationHandler(async (ctx, input) => {
        // Bounded before its session is resolved, so a refused watch opens no session either.
        parseToolInput(watchIpTool, input);
        const { caller } = nexusCaller(ctx);
        const workflowId = keyedWorkflowId(watchIpTool.name, caller, ctx.requestId);
        await checkLongRunningLimit(watchIpTool, caller, workflowId, opts.limits?.longRunning);
        const watch = await watchInput(ctx, input);
        return startOperationWorkflow<typeof ipWatchWorkflow>(ctx, watchIpTool.workflow.type, {
          workflowId,
          args: [watch],
          ...toolRunRecord(watchIpTool.name, watch, { caller: watch.caller, onBehalfOf: watch.onBehalfOf }),
        });
      }),
    },
    { approvals: opts.approvals },
  );
}
