/**
 * One definition per tool. A domain's tools.ts (tool-workers/<domain>/tools.ts) defines each of its tools once: name,
 * title, description, input and output zod schemas (from the domain's contract.ts), annotations, the workflow that
 * runs it and the one-line summary a reader gets beside the structured result. The MCP registration, the tool-name lists, the write scopes, the Nexus
 * service and the orchestrator's view of a tool are all derived from it.
 *
 * Workflow-safe: imported by workflow bundles (the orchestrator's Nexus client), so nothing here touches Node APIs.
 */
import type { Workflow } from '@temporalio/common';
import type { z } from 'zod';
import type { ApprovalDefault } from './approval';

/** MCP's tool annotations, all four always stated so no client falls back to a guess. */
export interface ToolAnnotations {
  readOnlyHint: boolean;
  idempotentHint: boolean;
  destructiveHint: boolean;
  openWorldHint: boolean;
}

/**
 * A workflow named by its type, typed by its function: the compiler checks that the name exists in the domain's
 * workflows module and knows its argument and result, while the caller loads no workflow code.
 */
export interface WorkflowRef<W extends Workflow = Workflow> {
  readonly type: string;
  /** Type-level only: never set. */
  readonly __workflow?: W;
}

/** `const workflow = workflowsOf<typeof workflows>()` then `workflow('stockPriceWorkflow')`, with `import type * as workflows`. */
export function workflowsOf<M>() {
  return <K extends keyof M & string>(type: K): WorkflowRef<Extract<M[K], Workflow>> => ({ type });
}

export interface ToolDefinition<
  I extends z.ZodObject = z.ZodObject,
  O extends z.ZodObject = z.ZodObject,
  W extends Workflow = Workflow,
  N extends string = string,
> {
  /** snake_case: what clients and models see. A literal type, so a Nexus service names its operations by it. */
  readonly name: N;
  readonly title: string;
  readonly description: string;
  /** Strict (`z.strictObject`): an unknown argument is refused by name, not dropped. */
  readonly input: I;
  readonly output: O;
  readonly annotations: ToolAnnotations;
  /** The workflow that runs the tool (for stateful tools, the one whose state it reads or writes). */
  readonly workflow: WorkflowRef<W>;
  /** The text beside the structured result: what a model or a person reads. */
  summarize(result: z.output<O>): string;
  /**
   * Whether a call may become an MCP task (the `io.modelcontextprotocol/tasks` extension, for clients that declare it;
   * everyone else gets the call answered within it): `always` for long-running tools, handed back as a task at once;
   * `when-slow` for quick ones, answered within the call unless their workflow is still running after a short wait.
   * Absent: never a task. Only tools that are one workflow run each can be tasks (the task is that workflow).
   */
  readonly taskMode?: TaskMode;
  /**
   * Whether a call needs a person's approval unless the operator says otherwise (shared/tools/approval.ts): `required`
   * for tools with a side effect worth a look (filing an issue). Absent: `none`.
   */
  readonly approval?: ApprovalDefault;
}

export type TaskMode = 'always' | 'when-slow';

/**
 * A tool whose call is exactly one run of its workflow, arguments in, result out. Servers run these generically; the
 * compiler checks that the workflow takes the tool's parsed arguments and returns its output.
 */
export type WorkflowRunTool<
  I extends z.ZodObject = z.ZodObject,
  O extends z.ZodObject = z.ZodObject,
  N extends string = string,
> = ToolDefinition<I, O, (input: z.output<I>) => Promise<z.input<O>>, N> & { readonly runs: 'workflow' };

/** Any workflow-run tool, for lists of them (each keeps its own types where it is defined and run). */
// A list holds tools of different schemas.
export type AnyWorkflowRunTool = WorkflowRunTool<any, any, string>;
export type AnyToolDefinition = ToolDefinition<any, any, Workflow, string>;

export function defineTool<I extends z.ZodObject, O extends z.ZodObject, W extends Workflow, const N extends string>(
  definition: ToolDefinition<I, O, W, N>,
): ToolDefinition<I, O, W, N> {
  return Object.freeze(definition);
}

export function defineWorkflowTool<I extends z.ZodObject, O extends z.ZodObject, const N extends string>(
  definition: Omit<WorkflowRunTool<I, O, N>, 'runs'>,
): WorkflowRunTool<I, O, N> {
  return Object.freeze({ ...definition, runs: 'workflow' as const });
}

/** Whether a tool is one run of its workflow (defineWorkflowTool), which the servers run generically. */
export function isWorkflowRunTool(tool: AnyToolDefinition): tool is AnyWorkflowRunTool {
  return (tool as Partial<AnyWorkflowRunTool>).runs === 'workflow';
}

/** A tool changes state unless it says it is read-only. */
export function changesState(tool: Pick<ToolDefinition, 'annotations'>): boolean {
  return !tool.annotations.readOnlyHint;
}

/**
 * Whether a call starts durable work that outlives it for hours (a long-running tool: `taskMode: 'always'`). Such a
 * tool may still be read-only in MCP's sense (`readOnlyHint`, for clients deciding whether to ask the user: a watch
 * changes nothing outside), but every call spends workflow time and upstream quota, so it is not read-only for scopes.
 */
export function startsLongRunningWork(tool: Pick<ToolDefinition, 'taskMode'>): boolean {
  return tool.taskMode === 'always';
}

/**
 * With auth on, which tools need the write scope: those that change state, and those that start long-running work
 * whatever their hints. Scopes derive from this, never from `readOnlyHint` alone.
 */
export function needsWriteScope(tool: Pick<ToolDefinition, 'annotations' | 'taskMode'>): boolean {
  return changesState(tool) || startsLongRunningWork(tool);
}

export function toolNames<const T extends readonly { name: string }[]>(tools: T): { [K in keyof T]: T[K]['name'] } {
  return tools.map((t) => t.name) as { [K in keyof T]: T[K]['name'] };
}

/** What a reader gets for a result: the summary, then the data. MCP's text content and the Nexus transport's text alike. */
export function toolResultText(summary: string | undefined, data: unknown): string {
  const json = JSON.stringify(data, null, 2);
  return summary ? `${summary}\n${json}` : json;
}
