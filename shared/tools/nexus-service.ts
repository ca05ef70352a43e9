/**
 * A domain's Nexus service, derived from its tool definitions: one operation per tool (same name, input and output
 * types) plus `list_tools`, the one-time discovery call that returns what a model needs to use them. Callers
 * (the orchestrator's workflow) and handlers (the tool workers) import the same definition.
 *
 * Workflow-safe: the orchestrator's workflow bundle imports it.
 */
import * as nexus from 'nexus-rpc';
import type { z } from 'zod';
import type { AnyToolDefinition, ToolAnnotations } from './definition';

/** What discovery returns per tool: what MCP's tools/list says, from the same definition. */
export interface ToolDescriptor {
  name: string;
  title: string;
  description: string;
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown>;
  annotations: ToolAnnotations;
  /** Calls need a person's approval under the worker's policy: the caller sends APPROVAL_HEADER with each. */
  approval?: 'required';
}

/** Discovery's answer: the tools, and how long a caller may keep the list (as MCP's tools/list `ttlMs`). */
export interface ToolList {
  tools: ToolDescriptor[];
  ttlMs: number;
}

export const LIST_TOOLS_OPERATION = 'list_tools';
/** Tool lists change only with a deployment; five minutes, as the MCP servers' list cache hint. */
export const TOOL_LIST_TTL_MS = 300_000;

type ToolOperations<T extends readonly AnyToolDefinition[]> = {
  [D in T[number] as D['name']]: nexus.OperationDefinition<z.input<D['input']>, z.output<D['output']>>;
} & { list_tools: nexus.OperationDefinition<void, ToolList> };

export function toolService<const T extends readonly AnyToolDefinition[]>(
  name: string,
  tools: T,
): nexus.ServiceDefinition<ToolOperations<T>> {
  const operations: Record<string, nexus.PartialOperation<unknown, unknown>> = {
    [LIST_TOOLS_OPERATION]: nexus.operation(),
  };
  for (const tool of tools) operations[tool.name] = nexus.operation({ name: tool.name });
  // Built from the same list the type is mapped from; TypeScript cannot follow the loop.
  return nexus.service(name, operations) as unknown as nexus.ServiceDefinition<ToolOperations<T>>;
}

/**
 * Nexus headers that carry who a call is for, as MCP's token subject and `_meta.onBehalfOf` do. The caller names a
 * user within its own namespace: the handlers scope it as `nexus:<namespace>:<name>` (./nexus-caller.ts), never as
 * an MCP caller.
 */
export const CALLER_HEADER = 'x-durable-mcp-caller';
export const ON_BEHALF_OF_HEADER = 'x-durable-mcp-on-behalf-of';
/**
 * A person approved this call (a tool whose calls need approval): JSON `{ "by": "<who>", "at": "<ISO time>",
 * "reason"?: "…" }`. The caller's word, like CALLER_HEADER: the endpoint's allowed namespaces are the trust boundary,
 * and the caller's own history keeps the header with the operation it scheduled.
 */
export const APPROVAL_HEADER = 'x-durable-mcp-approval';
