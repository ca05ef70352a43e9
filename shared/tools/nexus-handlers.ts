/**
 * Nexus operation handlers derived from tool definitions, for the tool workers. A tool that is one workflow run
 * becomes a workflow-run operation: the operation is the workflow, its result the workflow's, and a retried start (the
 * same Nexus request id) names the same workflow id, so the work runs once. Input is checked with the tool's own zod
 * schema, as MCP does; bad input is a BAD_REQUEST that names what is wrong and is never retried.
 */
import { WorkflowRunOperationHandler } from '@temporalio/nexus';
import * as nexus from 'nexus-rpc';
import { z } from 'zod';
import { approvalRefusal, needsApproval, type ApprovalPolicy } from './approval';
import { startOperationWorkflow } from './nexus-callbacks';
import { isWorkflowRunTool, type AnyToolDefinition, type WorkflowRunTool } from './definition';
import { nexusCaller } from './nexus-caller';
import { checkLongRunningLimit } from './nexus-limits';
import {
  APPROVAL_HEADER,
  LIST_TOOLS_OPERATION,
  TOOL_LIST_TTL_MS,
  type ToolDescriptor,
  type ToolList,
} from './nexus-service';
import { keyedWorkflowId, toolRunRecord } from './workflow-runner';
import type { CallerLimit } from '../temporal/caller-limits';

/** Per-caller bounds on what a service's operations start (shared/config/limits.ts); absent: none. */
export interface NexusLimits {
  /** Running workflows of long-running tools (`taskMode: 'always'`), per tool, per Nexus caller. */
  longRunning?: CallerLimit;
}

/** What a service's handlers enforce besides its tools' own checks: the per-caller bounds and the approval policy. */
export interface NexusPolicies extends NexusLimits {
  /** Which calls need approval (TOOL_APPROVAL*); absent: each tool's default. */
  approvals?: ApprovalPolicy;
}

/**
 * A tool's handler behind the approval policy: a call that needs approval runs only when the caller says who approved
 * it (APPROVAL_HEADER, the caller's word within the endpoint's trust boundary; its own history keeps the header).
 * Without it the call is refused (non-retryable BAD_REQUEST naming the policy and the header) before anything starts.
 */
function approvalChecked(tool: AnyToolDefinition, handler: unknown, approvals: ApprovalPolicy | undefined): unknown {
  // The policy is fixed for the process: a tool that needs no approval keeps its handler as it is.
  if (!needsApproval(tool, approvals)) return handler;
  const refusal = `${approvalRefusal(tool, approvals)} A Nexus caller whose user approved the call says so in the ${APPROVAL_HEADER} header (JSON: by, at, reason).`;
  const checked = (ctx: nexus.StartOperationContext): void => {
    const problem = approvalHeaderProblem(ctx.headers[APPROVAL_HEADER]);
    if (problem) throw new nexus.HandlerError('BAD_REQUEST', problem === 'absent' ? refusal : problem);
  };
  if (typeof handler === 'function') {
    const run = handler as (ctx: nexus.StartOperationContext, input: unknown) => unknown;
    return async (ctx: nexus.StartOperationContext, input: unknown) => {
      checked(ctx);
      return run(ctx, input);
    };
  }
  const op = handler as nexus.OperationHandler<unknown, unknown>;
  return {
    start: async (ctx, input) => {
      checked(ctx);
      return op.start(ctx, input);
    },
    cancel: (ctx: nexus.CancelOperationContext, token: string) => op.cancel(ctx, token),
  } satisfies nexus.OperationHandler<unknown, unknown>;
}

/** `absent`, a message naming what is wrong with the header, or undefined when it says who approved and when. */
function approvalHeaderProblem(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return 'absent';
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return `${APPROVAL_HEADER} must be JSON: {"by": "<who approved>", "at": "<ISO time>", "reason"?: "…"}`;
  }
  const { by, at } = (parsed ?? {}) as { by?: unknown; at?: unknown };
  if (typeof by !== 'string' || by.length === 0 || by.length > 128)
    return `${APPROVAL_HEADER}.by must name who approved (1 to 128 characters)`;
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) return `${APPROVAL_HEADER}.at must be an ISO time`;
  return undefined;
}

/** The tool's parsed arguments, or a BAD_REQUEST naming each problem. */
export function parseToolInput<D extends AnyToolDefinition>(tool: D, input: unknown): z.output<D['input']> {
  const parsed = (tool.input as z.ZodObject).safeParse(input ?? {});
  if (parsed.success) return parsed.data as z.output<D['input']>;
  const problems = parsed.error.issues
    .map((i: z.core.$ZodIssue) => `${i.path.length ? i.path.join('.') : 'input'}: ${i.message}`)
    .join('; ');
  throw new nexus.HandlerError('BAD_REQUEST', `Invalid arguments for ${tool.name}: ${problems}`);
}

export function describeTool(tool: AnyToolDefinition, approvals?: ApprovalPolicy): ToolDescriptor {
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: z.toJSONSchema(tool.input, { io: 'input' }) as Record<string, unknown>,
    outputSchema: z.toJSONSchema(tool.output, { io: 'output' }) as Record<string, unknown>,
    annotations: tool.annotations,
    // Calls that need approval under this worker's policy: a caller asks its user first, and says so (APPROVAL_HEADER).
    ...(needsApproval(tool, approvals) ? { approval: 'required' as const } : {}),
  };
}

/** Discovery: the same descriptors for every call, computed once. */
export function listToolsHandler(tools: readonly AnyToolDefinition[], approvals?: ApprovalPolicy) {
  let list: ToolList | undefined;
  return async (): Promise<ToolList> =>
    (list ??= { tools: tools.map((t) => describeTool(t, approvals)), ttlMs: TOOL_LIST_TTL_MS });
}

export function workflowRunOperation<I extends z.ZodObject, O extends z.ZodObject, N extends string>(
  tool: WorkflowRunTool<I, O, N>,
  limits: NexusLimits = {},
) {
  return new WorkflowRunOperationHandler<z.input<I>, z.output<O>>(async (ctx, input) => {
    const args = parseToolInput(tool, input);
    const who = nexusCaller(ctx);
    // Scoped to the caller like an MCP idempotency key; the request id is the key Nexus gives every retry.
    const workflowId = keyedWorkflowId(tool.name, who.caller, ctx.requestId);
    await checkLongRunningLimit(tool, who.caller, workflowId, limits.longRunning);
    return startOperationWorkflow<(input: z.output<I>) => Promise<z.output<O>>>(ctx, tool.workflow.type, {
      workflowId,
      args: [args],
      ...toolRunRecord(tool.name, args, who),
    });
  });
}

type Handlers<Ops extends nexus.OperationMap> = nexus.ServiceHandlerFor<Ops>;

/**
 * A domain's service handler: discovery, a workflow-run operation for every tool that is one workflow run, and the
 * handlers given for the rest (tools that read or write state another way). Every operation of the service must end up
 * with a handler; a tool without one is refused at start, naming it.
 */
export function toolServiceHandler<Ops extends nexus.OperationMap>(
  service: nexus.ServiceDefinition<Ops>,
  tools: readonly AnyToolDefinition[],
  others: Partial<Handlers<Ops>> = {},
  limits: NexusPolicies = {},
): nexus.ServiceHandler<Ops> {
  const handlers: Record<string, unknown> = {
    [LIST_TOOLS_OPERATION]: listToolsHandler(tools, limits.approvals),
    ...others,
  };
  for (const tool of tools) {
    if (handlers[tool.name]) continue;
    if (!isWorkflowRunTool(tool)) throw new Error(`Nexus service ${service.name}: no handler for ${tool.name}`);
    handlers[tool.name] = workflowRunOperation(tool, limits);
  }
  for (const tool of tools) handlers[tool.name] = approvalChecked(tool, handlers[tool.name], limits.approvals);
  // Built by name from the same tools the service was; the loop above checked that every operation has a handler.
  return nexus.serviceHandler(service, handlers as Handlers<Ops>);
}
