/**
 * MCP registration derived from a prompt's one definition (shared/prompts/definition.ts): its metadata, argument
 * schema, completions and messages all come from the definition.
 */
import { completable, type McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { MAX_COMPLETION_VALUES } from '../../shared/resources/definition';
import type { AnyPromptDefinition } from '../../shared/prompts/definition';

/**
 * Built once per definition: `completable` marks the field schema itself, and servers are built per request, so a
 * second wrap of the same field would be refused.
 */
const argumentSchemas = new WeakMap<AnyPromptDefinition, z.ZodObject>();

function argumentsSchema(prompt: AnyPromptDefinition): z.ZodObject {
  let schema = argumentSchemas.get(prompt);
  if (!schema) argumentSchemas.set(prompt, (schema = completingSchema(prompt)));
  return schema;
}

/** The definition's arguments, with each argument that completes wrapped so `completion/complete` answers for it. */
function completingSchema(prompt: AnyPromptDefinition): z.ZodObject {
  const shape: Record<string, z.ZodType> = { ...(prompt.arguments.shape as Record<string, z.ZodType>) };
  for (const [name, fn] of Object.entries(prompt.complete ?? {})) {
    const field = shape[name];
    if (!field || !fn) throw new Error(`prompt ${prompt.name}: completion for unknown argument ${name}`);
    const complete = fn as (typed: string) => string[];
    shape[name] = completable(field, (typed) => complete(String(typed ?? '')).slice(0, MAX_COMPLETION_VALUES));
  }
  return z.strictObject(shape);
}

export function registerDefinedPrompt(server: McpServer, prompt: AnyPromptDefinition): void {
  server.registerPrompt(
    prompt.name,
    { title: prompt.title, description: prompt.description, argsSchema: argumentsSchema(prompt) },
    (args) => ({
      description: prompt.description,
      messages: prompt.messages(args).map((m) => ({ role: m.role, content: { type: 'text' as const, text: m.text } })),
    }),
  );
}

export function registerDefinedPrompts(server: McpServer, prompts: readonly AnyPromptDefinition[]): void {
  for (const prompt of prompts) registerDefinedPrompt(server, prompt);
}
