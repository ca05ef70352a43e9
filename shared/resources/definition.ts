/**
 * One definition per MCP resource, as shared/tools/definition.ts is for tools. A domain's resources.ts defines each of
 * its resources once: name, title, description, its URI (fixed, or an RFC 6570 template) and, for a template, the zod
 * schema its variables parse with. The MCP adapter registers them (mcp-servers/adapter/resource-registration.ts); how a
 * read runs is the server's, as a tool's call is.
 */
import type { z } from 'zod';

/** Most values a completion answers with: MCP's own cap for `completion/complete`, so no answer is unbounded. */
export const MAX_COMPLETION_VALUES = 100;

interface ResourceCommon {
  /** snake_case, what clients list. */
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** Every resource here reads as one JSON document. */
  readonly mimeType: 'application/json';
}

/** A resource at one fixed URI. */
export interface FixedResourceDefinition extends ResourceCommon {
  readonly uri: string;
}

/** A family of resources addressed by a URI template; its variables parse with `variables` before any read runs. */
export interface TemplateResourceDefinition<V extends z.ZodObject = z.ZodObject> extends ResourceCommon {
  readonly uriTemplate: string;
  readonly variables: V;
}

export type ResourceDefinition = FixedResourceDefinition | TemplateResourceDefinition;

export function defineResource<const D extends FixedResourceDefinition>(definition: D): D {
  return Object.freeze(definition);
}

export function defineResourceTemplate<V extends z.ZodObject, const D extends TemplateResourceDefinition<V>>(
  definition: D & TemplateResourceDefinition<V>,
): D {
  return Object.freeze(definition);
}

/** Completion by prefix over a known list, case-insensitive, capped at MAX_COMPLETION_VALUES. */
export function completeFrom(values: readonly string[], typed: string | undefined): string[] {
  const prefix = (typed ?? '').toLowerCase();
  return values.filter((v) => v.toLowerCase().startsWith(prefix)).slice(0, MAX_COMPLETION_VALUES);
}
