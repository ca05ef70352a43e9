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
import { CallerLimitReached, type CallerLimit } from '../../shared/temporal/caller-limits';
import { nexusCaller } from '../../shared/tools/nexus-caller';
import { startOperationWorkflow } from '../../shared/tools/nexus-callbacks';
import { parseToolInput, toolServiceHandler } from '../../shared/tools/nexus-handlers';
import { checkLongRunningLimit, limitRefusal } from '../../shared/tools/nexus-limits';
import {
  IdempotencyConflict,
  keyedWorkflowId,
  toolRunRecord,
  ToolWorkflowRunner,
} from '../../shared/tools/workflow-runner';
import {
  ItTools,
  NoSessionNamed,
  sessionGoneMessage,
  ToolInputError,
  type SessionTarget,
  type ToolCall,
} from './session-tools';
import { ItSessions, SessionNotFound } from './sessions';
import {
  closeSessionTool,
  createJiraIssueTool,
  getIpHistoryTool,
  getJiraMetricsTool,
  itService,
  itTools,
  setJiraProjectTool,
  trackIpTool,
  watchIpTool,
} from './tools';
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

  /** A synchronous operation over the session tools, with MCP's errors as Nexus handler errors. */
  function sessionOperation<D extends AnyToolDefinition, R>(
    tool: D,
    run: (tools: ItTools, args: ReturnType<typeof parseToolInput<D>>, call: ToolCall) => Promise<R>,
  ) {
    return async (ctx: nexus.StartOperationContext, input: unknown): Promise<R> => {
      const args = parseToolInput(tool, input);
      const call: ToolCall = { who: nexusCaller(ctx), key: ctx.requestId };
      try {
        return await run(toolsFor(), args, call);
      } catch (err) {
        if (err instanceof ToolInputError || err instanceof NoSessionNamed || err instanceof IdempotencyConflict) {
          throw new nexus.HandlerError('BAD_REQUEST', err.message);
        }
        if (err instanceof SessionNotFound) {
          throw new nexus.HandlerError('NOT_FOUND', sessionGoneMessage(err.handle));
        }
        if (err instanceof CallerLimitReached) throw limitRefusal(err);
        // A lookup workflow that failed has spent its own retries (an unknown Jira project fails at once): retrying
        // the operation would only repeat it. Anything else (Temporal briefly unreachable, say) is worth a retry.
        throw new nexus.HandlerError('INTERNAL', `${tool.name} failed: ${describeFailure(err)}`, {
          cause: err,
          retryableOverride: err instanceof WorkflowFailedError ? false : undefined,
        });
      }
    };
  }
  const named = (id: string | undefined): SessionTarget | undefined => (id ? { id, open: false } : undefined);
  const required = (id: string | undefined): SessionTarget => {
    if (!id) throw new NoSessionNamed();
    return { id, open: false };
  };

  // watch_ip's session is resolved (opened, for a new one) as the session tools resolve theirs, with their errors.
  const watchInput = sessionOperation(watchIpTool, (tools, { session_id, every_seconds, for_minutes }, call) =>
    tools.watchInput(
      named(session_id) ?? tools.newSession(watchIpTool.name, call),
      { every_seconds, for_minutes },
      call,
    ),
  );

  return toolServiceHandler(
    itService,
    itTools,
    {
      set_jira_project: sessionOperation(setJiraProjectTool, (tools, { project, session_id }, call) =>
        tools.setJiraProject(named(session_id) ?? tools.newSession(setJiraProjectTool.name, call), project, call),
      ),
      get_jira_metrics: sessionOperation(getJiraMetricsTool, (tools, { project, session_id }, call) =>
        tools.jiraMetrics(named(session_id), project, call),
      ),
      track_ip: sessionOperation(trackIpTool, (tools, { session_id }, call) =>
        tools.trackIp(named(session_id) ?? tools.newSession(trackIpTool.name, call), call),
      ),
      get_ip_history: sessionOperation(getIpHistoryTool, (tools, { session_id }, call) =>
        tools.ipHistory(required(session_id), call),
      ),
      close_session: sessionOperation(closeSessionTool, (tools, { session_id }, call) =>
        tools.closeSession(required(session_id), call),
      ),
      // Behind the approval policy (toolServiceHandler checks it first); the request id keys the call's one issue.
      create_jira_issue: sessionOperation(
        createJiraIssueTool,
        (tools, { summary, description, ip, session_id }, call) =>
          tools.createJiraIssue(named(session_id), { summary, description, ip }, call),
      ),
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
