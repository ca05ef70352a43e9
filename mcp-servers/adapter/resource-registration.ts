/**
 * MCP registration derived from a resource's one definition (shared/resources/definition.ts): its metadata and URI
 * come from the definition, a template's variables are parsed with its schema before the read runs; only what a read
 * does is the server's. Every read answers one JSON document, inside the same MCP SERVER span a tool call gets.
 */
import {
  PROTOCOL_VERSION_META_KEY,
  ProtocolError,
  ProtocolErrorCode,
  ResourceNotFoundError,
  ResourceTemplate,
  type McpServer,
  type ReadResourceResult,
  type ServerContext,
} from '@modelcontextprotocol/server';
import type { z } from 'zod';
import { describeFailure } from '../../shared/temporal/failures';
import { traceMcpServerRequest } from '../../shared/telemetry/mcp';
import {
  MAX_COMPLETION_VALUES,
  type FixedResourceDefinition,
  type TemplateResourceDefinition,
} from '../../shared/resources/definition';

/** What a read of a template gets: its variables as the definition's schema parsed them. */
export type TemplateRead<V extends z.ZodObject> = (variables: z.output<V>, ctx: ServerContext) => Promise<unknown>;

/** A read that names nothing there: answered as MCP's resource-not-found (SEP-2164), never as a server fault. */
export class NotFound extends Error {
  override name = 'NotFound';
}

function jsonContents(uri: URL, mimeType: string, data: unknown): ReadResourceResult {
  return { contents: [{ uri: uri.href, mimeType, text: JSON.stringify(data, null, 2) }] };
}

/** Runs a read in its span; a failure becomes not-found, invalid params, or an internal error with the cause's message. */
async function traced(uri: URL, ctx: ServerContext, read: () => Promise<unknown>, mimeType: string) {
  const protocolVersion = ctx.mcpReq.envelope?.[PROTOCOL_VERSION_META_KEY as keyof typeof ctx.mcpReq.envelope];
  return traceMcpServerRequest(
    {
      method: ctx.mcpReq.method,
      requestId: ctx.mcpReq.id,
      ...(typeof protocolVersion === 'string' ? { protocolVersion } : {}),
    },
    ctx.mcpReq._meta as Record<string, unknown> | undefined,
    async () => {
      try {
        return jsonContents(uri, mimeType, await read());
      } catch (err) {
        if (err instanceof ProtocolError) throw err;
        if (err instanceof NotFound) throw new ResourceNotFoundError(uri.href, err.message);
        throw new ProtocolError(ProtocolErrorCode.InternalError, `reading ${uri.href} failed: ${describeFailure(err)}`);
      }
    },
  );
}

export function registerFixedResource(
  server: McpServer,
  resource: FixedResourceDefinition,
  read: (ctx: ServerContext) => Promise<unknown>,
): void {
  server.registerResource(
    resource.name,
    resource.uri,
    { title: resource.title, description: resource.description, mimeType: resource.mimeType },
    (uri, ctx) => traced(uri, ctx, () => read(ctx), resource.mimeType),
  );
}

export function registerTemplateResource<V extends z.ZodObject>(
  server: McpServer,
  resource: TemplateResourceDefinition<V>,
  read: TemplateRead<V>,
  complete: Partial<Record<keyof z.output<V> & string, (typed: string) => string[]>> = {},
): void {
  const completers = Object.fromEntries(
    Object.entries(complete).map(([name, fn]) => [
      name,
      (typed: string) => (fn as (t: string) => string[])(typed).slice(0, MAX_COMPLETION_VALUES),
    ]),
  );
  server.registerResource(
    resource.name,
    // No `list`: a template's instances are the caller's (sessions) or open-ended (symbols, projects).
    new ResourceTemplate(resource.uriTemplate, { list: undefined, complete: completers }),
    { title: resource.title, description: resource.description, mimeType: resource.mimeType },
    (uri, variables, ctx) =>
      traced(
        uri,
        ctx,
        async () => {
          const parsed = resource.variables.safeParse(variables);
          if (!parsed.success) {
            const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'uri'}: ${i.message}`).join('; ');
            throw new ProtocolError(ProtocolErrorCode.InvalidParams, `invalid ${resource.uriTemplate}: ${issues}`);
          }
          return read(parsed.data as z.output<V>, ctx);
        },
        resource.mimeType,
      ),
  );
}
