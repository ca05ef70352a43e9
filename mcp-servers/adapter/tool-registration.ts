/**
 * MCP registration derived from a tool's one definition (shared/tools/definition.ts): its metadata, schemas,
 * annotations and write scope come from the definition; only how a call runs is the server's.
 */
import {
  PROTOCOL_VERSION_META_KEY,
  type CallToolResult,
  type McpServer,
  type ScopeChallengeHandler,
  type ToolCallback,
} from '@modelcontextprotocol/server';
import type { Workflow } from '@temporalio/common';
import type { z } from 'zod';
import { describeFailure } from '../../shared/temporal/failures';
import { traceMcpServerRequest } from '../../shared/telemetry/mcp';
import {
  changesState,
  needsWriteScope,
  type AnyWorkflowRunTool,
  type ToolDefinition,
} from '../../shared/tools/definition';
import { writeScopeChallenge } from '../transports/auth';
import { approvalListingMeta, withApproval, type ToolRun } from './approvals';
import { callerOf, idempotencyKeyOf } from './caller';
import { toolSchema } from './schemas';
import { structuredResult, toolError } from './tool-results';
import { IdempotencyConflict, type ToolWorkflowRunner } from '../../shared/tools/workflow-runner';

/** With auth on, a token without the write scope gets a 403 challenge naming the scopes that would do (step-up). */
function toolWriteScopeChallenge(tool: ToolDefinition<z.ZodObject, z.ZodObject, Workflow>): ScopeChallengeHandler {
  const action = `${tool.name} ${changesState(tool) ? 'changes state' : 'starts long-running work'}`;
  return ({ authInfo }) => writeScopeChallenge(authInfo, action);
}

/** The SDK's own callback type, so the arguments are whatever the definition's input schema parses to. */
export type ToolHandler<I extends z.ZodObject> = ToolCallback<I>;

export function registerDefinedTool<I extends z.ZodObject, O extends z.ZodObject>(
  server: McpServer,
  tool: ToolDefinition<I, O, Workflow>,
  handler: ToolHandler<I>,
): void {
  const listingMeta = approvalListingMeta(server, tool);
  server.registerTool(
    tool.name,
    {
      title: tool.title,
      description: tool.description,
      inputSchema: toolSchema(tool.input),
      outputSchema: toolSchema(tool.output),
      annotations: tool.annotations,
      ...(listingMeta ? { _meta: listingMeta } : {}),
      ...(needsWriteScope(tool) ? { scopeChallenge: toolWriteScopeChallenge(tool) } : {}),
    },
    tracedHandler(tool.name, approvalChecked(server, tool, handler)),
  );
}

/**
 * A call that needs approval runs only once a person approved it (./approvals.ts): the client is asked when it can be,
 * else refused before its handler runs. Until then nothing starts, nothing is filed.
 */
function approvalChecked<I extends z.ZodObject>(
  server: McpServer,
  tool: ToolDefinition<I, z.ZodObject, Workflow>,
  handler: ToolHandler<I>,
): ToolHandler<I> {
  return ((args: unknown, ctx: Parameters<ToolCallback<z.ZodObject>>[1]) =>
    withApproval(server, tool, args, ctx, handler as ToolRun)) as unknown as ToolHandler<I>;
}

/** The MCP SERVER span of every call, on both protocol generations and stdio; the tool's workflow starts inside it. */
function tracedHandler<I extends z.ZodObject>(toolName: string, handler: ToolHandler<I>): ToolHandler<I> {
  return ((args: unknown, ctx: Parameters<ToolCallback<z.ZodObject>>[1]) => {
    const protocolVersion = ctx.mcpReq.envelope?.[PROTOCOL_VERSION_META_KEY as keyof typeof ctx.mcpReq.envelope];
    return traceMcpServerRequest(
      {
        method: ctx.mcpReq.method,
        tool: toolName,
        requestId: ctx.mcpReq.id,
        ...(typeof protocolVersion === 'string' ? { protocolVersion } : {}),
        // As the input schema parsed them; on the span only with content capture on, redacted.
        toolArguments: args,
      },
      ctx.mcpReq._meta as Record<string, unknown> | undefined,
      async () => (handler as (a: unknown, c: typeof ctx) => CallToolResult | Promise<CallToolResult>)(args, ctx),
      (result) => result.isError === true,
    );
  }) as unknown as ToolHandler<I>;
}

/** The structured result and the definition's summary of it. */
export function definedResult<O extends z.ZodObject>(
  tool: ToolDefinition<z.ZodObject, O, Workflow>,
  result: z.output<O>,
): CallToolResult {
  return structuredResult(result as object, tool.summarize(result));
}

/** A tool that is one workflow run: validate the key, run the workflow in the caller's scope, answer a failure as a tool error. */
export function registerWorkflowTool(server: McpServer, tool: AnyWorkflowRunTool, workflows: ToolWorkflowRunner): void {
  registerDefinedTool(server, tool, async (args, ctx) => {
    try {
      const key = idempotencyKeyOf(ctx);
      const result = await workflows.run(tool.name, tool.workflow, args, key, callerOf(ctx));
      // The tool promises its output schema, not whatever else its workflow returns (clients check it strictly).
      return definedResult(tool, tool.output.parse(result));
    } catch (err) {
      if (err instanceof IdempotencyConflict) return toolError(err.message);
      return toolError(`${tool.name} failed: ${describeFailure(err)}`);
    }
  });
}
