/**
 * One definition per MCP prompt. A domain's prompts.ts defines each prompt once: name, title, description, its
 * arguments (a zod object of strings, as MCP prompt arguments are), which arguments complete and how, and the messages
 * it gives for parsed arguments. Prompts are text: building one runs nothing, so the messages come from the definition
 * itself and the MCP adapter (mcp-servers/adapter/prompt-registration.ts) only registers them.
 */
import type { z } from 'zod';

export interface PromptMessageText {
  readonly role: 'user' | 'assistant';
  readonly text: string;
}

export interface PromptDefinition<A extends z.ZodObject = z.ZodObject> {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** Each field a string schema with `.describe()`: MCP passes prompt arguments as strings. */
  readonly arguments: A;
  /** Completion per argument name: the values that start with what was typed, at most MAX_COMPLETION_VALUES. */
  readonly complete?: Partial<Record<keyof z.output<A> & string, (typed: string) => string[]>>;
  messages(args: z.output<A>): PromptMessageText[];
}

// A list holds prompts of different argument schemas.
export type AnyPromptDefinition = PromptDefinition<any>;

export function definePrompt<A extends z.ZodObject>(definition: PromptDefinition<A>): PromptDefinition<A> {
  return Object.freeze(definition);
}
