/**
 * The IT MCP server: the IT tools (tool-workers/it/tools.ts), whose session state lives in one Temporal workflow per
 * session, named by a handle. What each session tool does, and how it uses its session (its definition's `session`),
 * is tool-workers/it/session-tools.ts, which the Nexus service runs too; this file adds only what MCP has of its own.
 *
 * Handles (2026-07-28 has no protocol sessions): a state-changing call without `session_id` opens a new session and
 * returns its handle; every later call passes it back as `session_id`. On a 2025-era HTTP session, or over stdio,
 * calls without `session_id` use that session (the Mcp-Session-Id, or IT_SESSION_ID), so those clients work as before.
 */
import {
  McpServer,
  ProtocolError,
  ProtocolErrorCode,
  type CallToolResult,
  type ServerContext,
} from '@modelcontextprotocol/server';
import { isWorkflowRunTool, type AnyToolDefinition } from '../../shared/tools/definition';
import {
  ItTools,
  itSessionTools,
  sessionToolFailure,
  ToolInputError,
  type SessionTarget,
  type SessionToolRun,
  type ToolCall,
} from '../../tool-workers/it/session-tools';
import { itTools, watchIpTool } from '../../tool-workers/it/tools';
import { describeFailure } from '../../shared/temporal/failures';
import { NO_SESSION, SESSION_NOT_FOUND } from '../../shared/tools/session-handle';
import { callerOf, idempotencyKeyOf } from '../adapter/caller';
import { LIST_CACHE_HINTS } from '../adapter/list-cache';
import { toolError } from '../adapter/tool-results';
import { approvalServerOptions, useApprovalPolicy } from '../adapter/approvals';
import type { PendingApprovals } from '../../shared/tools/pending-approval';
import type { ApprovalPolicy } from '../../shared/tools/approval';
import { definedResult, registerDefinedTool } from '../adapter/tool-registration';
import type { ToolWorkflowRunner } from '../../shared/tools/workflow-runner';
import type { McpServeContext } from '../transports/http';
import { SessionNotFound, type ItSessions } from '../../tool-workers/it/sessions';
import { jiraProjectResource, sessionResource, sessionView } from '../../tool-workers/it/resources';
import { itPrompts } from '../../tool-workers/it/prompts';
import { NotFound, registerTemplateResource } from '../adapter/resource-registration';
import { registerDefinedPrompts } from '../adapter/prompt-registration';
import type { IpWatchInput } from '../../tool-workers/it/session-contract';
import type { TaskTool } from '../adapter/tasks/extension';
import { offerTasks, registerWorkflowTools, runTaskToCompletion } from '../adapter/tasks/task-tools';
import type { TaskWorkflows } from '../adapter/tasks/task-workflows';

/** The IT tools that are one workflow run each (get_ip), served as finance serves its tools. */
const workflowRunTools = (itTools as readonly AnyToolDefinition[]).filter(isWorkflowRunTool);
// Every IT tool is served one of three ways; one that is none of them is refused at start, as the Nexus service does.
const unserved = itTools.filter(
  (t) => t !== watchIpTool && !isWorkflowRunTool(t) && !itSessionTools.some((s) => s.definition === t),
);
if (unserved.length > 0) throw new Error(`IT MCP server: no handler for ${unserved.map((t) => t.name).join(', ')}`);

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
  const call = (ctx: ServerContext): ToolCall => ({ who: callerOf(ctx), key: idempotencyKeyOf(ctx) });

  /** A call's failure as a tool error a model (and, by `_meta` kind, a program) can act on. */
  function failure(tool: AnyToolDefinition, err: unknown): CallToolResult {
    const known = sessionToolFailure(err);
    if (!known) return toolError(`${tool.name} failed: ${describeFailure(err)}`);
    const kind = known.kind === NO_SESSION || known.kind === SESSION_NOT_FOUND ? known.kind : undefined;
    return toolError(known.message, kind);
  }

  /** A session tool: run on the session it names (or this connection's), its failures answered as tool errors. */
  function registerSessionTool(tool: SessionToolRun): void {
    registerDefinedTool(server, tool.definition, async (args, ctx) => {
      try {
        return definedResult(tool.definition, await tools.run(tool, args, named(args.session_id), call(ctx)));
      } catch (err) {
        return failure(tool.definition, err);
      }
    });
  }

  for (const tool of itSessionTools) registerSessionTool(tool);
  const taskTools = registerWorkflowTools(server, workflowRunTools, lookups, tasks);
  if (tasks) {
    tasks.declareLongRunning(watchIpTool.workflow.type);
    // A watch records into a session, resolved by the tool's policy as the other session tools resolve theirs.
    const watchIp: TaskTool = {
      definition: watchIpTool,
      async start(args, ctx) {
        const { session_id, every_seconds, for_minutes } = watchIpTool.input.parse(args);
        const c = call(ctx);
        let input: IpWatchInput;
        try {
          input = await tools.watchInput(
            tools.target(watchIpTool, named(session_id), c),
            { every_seconds, for_minutes },
            c,
          );
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

  offerTasks(server, context, tasks, taskTools);

  // A session reads by its Query, in the caller's scope as every session tool: foreign, closed or unknown is not found.
  registerTemplateResource(server, sessionResource, async ({ session_id }, ctx) => {
    try {
      return sessionView(await sessions.state(session_id, callerOf(ctx).caller));
    } catch (err) {
      if (err instanceof SessionNotFound) throw new NotFound(err.message);
      throw err;
    }
  });
  registerTemplateResource(server, jiraProjectResource, async ({ project }, ctx) => {
    try {
      return await tools.jiraMetrics(undefined, project, call(ctx));
    } catch (err) {
      if (err instanceof ToolInputError) throw new ProtocolError(ProtocolErrorCode.InvalidParams, err.message);
      throw err;
    }
  });
  registerDefinedPrompts(server, itPrompts);
  return server;
}
