/**
 * The planning activity's contract: what the manual loop asks (`PlanRequest`) and what it gets back
 * (`ActionDecision`: call these tools, or answer). The decision is checked against `actionDecisionSchema` in the
 * worker, before it is returned, so the workflow only ever acts on a well-formed one. The workflow imports types only.
 */
import type { AgentInputItem } from '@openai/agents-core';
import { z } from 'zod';

/** A tool as a model is offered it: name, description and the JSON Schema of its arguments. */
export interface ToolSchema {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface PlanRequest {
  /** The conversation's model: `offline`, or a name the configured Chat Completions endpoint serves. */
  model: string;
  /** The system prompt (orchestrator/agent.ts `instructions`, the same for both loops). */
  instructions: string;
  /** The conversation as the workflow keeps it: user and assistant messages, tool calls and their results. */
  history: AgentInputItem[];
  tools: ToolSchema[];
}

export const toolCallRequestSchema = z.object({
  /** The model's id for the call; its result goes back under the same id. */
  id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.record(z.string(), z.unknown()),
});

export const actionDecisionSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('tool_calls'),
    calls: z.array(toolCallRequestSchema).min(1),
    /** Text the model said alongside its calls, if any (kept in the history, not shown as the reply). */
    text: z.string().optional(),
  }),
  z.object({ kind: z.literal('answer'), text: z.string() }),
]);

export type ToolCallRequest = z.infer<typeof toolCallRequestSchema>;
export type ActionDecision = z.infer<typeof actionDecisionSchema>;
