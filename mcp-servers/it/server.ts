/**
 * The IT MCP server: the tools of the IT contract (tool-workers/it/tools.ts), whose session state lives in one
 * Temporal workflow per session, named by a handle.
 *
 * Handles (2026-07-28 has no protocol sessions): a state-changing call without `session_id` opens a new session and
 * returns its handle; every later call passes it back as `session_id`. On a 2025-era HTTP session, or over stdio,
 * calls without `session_id` use that session (the Mcp-Session-Id, or IT_SESSION_ID), so those clients work as before.
 */
import { McpServer, type CallToolResult, type ServerContext } from '@modelcontextprotocol/server';
import type { z } from 'zod';
import type { AnyToolDefinition } from '../../shared/tools/definition';
import {
  ItTools,
  NoSessionNamed,
  sessionGoneMessage,
  ToolInputError,
  type SessionTarget,
  type ToolCall,
} from '../../tool-workers/it/session-tools';
import {
  closeSessionTool,
  createJiraIssueTool,
  getIpHistoryTool,
  getIpTool,
  getJiraMetricsTool,
  setJiraProjectTool,
  trackIpTool,
  watchIpTool,
} from '../../tool-workers/it/tools';
import { describeFailure } from '../../shared/temporal/failures';
import { NO_SESSION, SESSION_NOT_FOUND } from '../../shared/tools/session-handle';
import { CallerLimitReached } from '../../shared/temporal/caller-limits';
import { callerOf } from '../adapter/caller';
import { LIST_CACHE_HINTS } from '../adapter/list-cache';
import { toolError } from '../adapter/tool-results';
import { approvalServerOptions, useApprovalPolicy } from '../adapter/approvals';
import type { PendingApprovals } from '../../shared/tools/pending-approval';
import type { ApprovalPolicy } from '../../shared/tools/approval';
import { definedResult, registerDefinedTool } from '../adapter/tool-registration';
import {
  IDEMPOTENCY_META_KEY,
  IdempotencyConflict,
  validateIdempotencyKey,
  type ToolWorkflowRunner,
} from '../../shared/tools/workflow-runner';
import type { McpServeContext } from '../transports/http';
import { SessionNotFound, type ItSessions } from '../../tool-workers/it/sessions';
import type { IpWatchInput } from '../../tool-workers/it/session-contract';
import type { TaskTool } from '../adapter/tasks/extension';
import { offerTasks, registerWorkflowTools, runTaskToCompletion } from '../adapter/tasks/task-tools';
import type { TaskWorkflows } from '../adapter/tasks/task-workflows';

export const itServerInfo = { name: 'it-mcp', title: 'IT tools (stateful, Temporal-backed)', version: '0.2.0' };

export interface ItServerDeps {
  context: McpServeContext;
  sessions: ItSessions;
  lookups: ToolWorkflowRunner;
  /** MCP tasks as Temporal workflows; watch_ip is served only with it. */
  tasks?: TaskWorkflows;
  /** Which calls need approval (TOOL_APPROVAL*); absent: each tool's default. */
  approvals?: ApprovalPolicy;
  /** Durable approval questions: with it, a client that declared elicitation is asked; without, refused. */
  pendingApprovals?: PendingApprovals;
}

export function createItServer({
  context,
  sessions,
  lookups,
  tasks,
  approvals,
  pendingApprovals,
}: ItServerDeps): McpServer {
  const server = new McpServer(itServerInfo, {
    instructions:
      'Session-scoped IT tools. A session (Jira project, IP history) is a durable Temporal workflow that survives server restarts. ' +
      'set_jira_project and track_ip return a session_id; pass it back on later calls to keep the same session.',
    cacheHints: LIST_CACHE_HINTS,
    ...approvalServerOptions(pendingApprovals),
  });
  useApprovalPolicy(server, approvals, pendingApprovals, context.clientCapabilities);
  const tools = new ItTools(sessions, lookups);

  /** The session a call names, else this connection's default (2025-era session, stdio's IT_SESSION_ID). */
  function named(explicit: string | undefined): SessionTarget | undefined {
    if (explicit) return { id: explicit, open: false };
    if (context.sessionId) return { id: context.sessionId, open: context.reopenDefaultSession === true };
    return undefined;
  }
  const required = (explicit: string | undefined) => {
    const target = named(explicit);
    if (!target) throw new NoSessionNamed();
    return target;
  };
  /** Writes without a session open a new one. */
  const forWrite = (explicit: string | undefined, tool: string, call: ToolCall) =>
    named(explicit) ?? tools.newSession(tool, call);
  const call = (ctx: ServerContext): ToolCall => ({
    who: callerOf(ctx),
    key: validateIdempotencyKey(ctx.mcpReq._meta?.[IDEMPOTENCY_META_KEY]),
  });

  /** Runs a call and answers its failures as tool errors a model (and, by `_meta` kind, a program) can act on. */
  function handle<D extends AnyToolDefinition>(tool: D, body: (c: ToolCall) => Promise<z.output<D['output']>>) {
    return async (ctx: ServerContext): Promise<CallToolResult> => {
      try {
        return definedResult(tool, await body(call(ctx)));
      } catch (err) {
        return failure(tool, err);
      }
    };
  }

  /** A call's failure as a tool error a model (and, by `_meta` kind, a program) can act on. */
  function failure(tool: AnyToolDefinition, err: unknown): CallToolResult {
    if (err instanceof IdempotencyConflict || err instanceof ToolInputError || err instanceof CallerLimitReached)
      return toolError(err.message);
    if (err instanceof NoSessionNamed) return toolError(err.message, NO_SESSION);
    if (err instanceof SessionNotFound) {
      return toolError(sessionGoneMessage(err.handle), SESSION_NOT_FOUND);
    }
    return toolError(`${tool.name} failed: ${describeFailure(err)}`);
  }

  registerDefinedTool(server, setJiraProjectTool, ({ project, session_id }, ctx) =>
    handle(setJiraProjectTool, (c) =>
      tools.setJiraProject(forWrite(session_id, setJiraProjectTool.name, c), project, c),
    )(ctx),
  );
  registerDefinedTool(server, getJiraMetricsTool, ({ project, session_id }, ctx) =>
    handle(getJiraMetricsTool, (c) => tools.jiraMetrics(named(session_id), project, c))(ctx),
  );
  registerDefinedTool(server, trackIpTool, ({ session_id }, ctx) =>
    handle(trackIpTool, (c) => tools.trackIp(forWrite(session_id, trackIpTool.name, c), c))(ctx),
  );
  registerDefinedTool(server, createJiraIssueTool, ({ summary, description, ip, session_id }, ctx) =>
    handle(createJiraIssueTool, (c) => tools.createJiraIssue(named(session_id), { summary, description, ip }, c))(ctx),
  );
  registerDefinedTool(server, getIpHistoryTool, ({ session_id }, ctx) =>
    handle(getIpHistoryTool, (c) => tools.ipHistory(required(session_id), c))(ctx),
  );
  const taskTools = registerWorkflowTools(server, [getIpTool], lookups, tasks);
  if (tasks) {
    tasks.declareLongRunning(watchIpTool.workflow.type);
    // A watch records into a session: the one the call names, else this connection's default, else a new one.
    const watchIp: TaskTool = {
      definition: watchIpTool,
      async start(args, ctx) {
        const { session_id, every_seconds, for_minutes } = watchIpTool.input.parse(args);
        const c = call(ctx);
        let input: IpWatchInput;
        try {
          input = await tools.watchInput(forWrite(session_id, watchIpTool.name, c), { every_seconds, for_minutes }, c);
        } catch (err) {
          return failure(watchIpTool, err);
        }
        return tasks.start(watchIpTool.name, watchIpTool.workflow.type, input, c.who, c.key, { longRunning: true });
      },
      complete: (value) => definedResult(watchIpTool, watchIpTool.output.parse(value)),
    };
    registerDefinedTool(server, watchIpTool, (args, ctx) => runTaskToCompletion(watchIp, args, ctx, tasks));
    taskTools.push(watchIp);
  }
  registerDefinedTool(server, closeSessionTool, ({ session_id }, ctx) =>
    handle(closeSessionTool, (c) => tools.closeSession(required(session_id), c))(ctx),
  );

  offerTasks(server, context, tasks, taskTools);
  return server;
}
