/**
 * The manual loop's planner, in the worker: it asks the conversation's model what to do next and returns a checked
 * `ActionDecision`. The offline model is the one the Agents SDK loop uses, reached through the same model provider
 * (orchestrator/model/provider.ts); any other model gets one Chat Completions call, with the tools' JSON schemas, to
 * its provider (OpenAI, an OpenAI-compatible endpoint, or Anthropic's, Gemini's and Ollama's own OpenAI-compatible
 * endpoints: they all carry tool calls in this format). The API keys stay in this process.
 */
import type { AgentOutputItem, ModelProvider, ModelRequest, SerializedTool } from '@openai/agents-core';
import { ApplicationFailure } from '@temporalio/common';
import { APIConnectionError, APIError } from 'openai';
import { z } from 'zod';
import type { LlmConfig } from '../../shared/config';
import { classifyModelError, ModelFailureType, type ModelCallee } from '../../shared/providers';
import { ModelClients } from '../model/clients';
import { ConversationModelProvider } from '../model/provider';
import { OFFLINE_MODEL_NAME } from '../contract/conversation';
import { toChatMessages } from './chat-messages';
import { actionDecisionSchema, type ActionDecision, type PlanRequest } from '../contract/planning';

/** The part of a Chat Completions response the loop acts on; anything else in it is ignored. */
const chatCompletionSchema = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullish(),
          tool_calls: z
            .array(
              z.object({
                id: z.string().min(1),
                type: z.literal('function'),
                function: z.object({ name: z.string().min(1), arguments: z.string() }),
              }),
            )
            .nullish(),
        }),
      }),
    )
    .min(1),
});

export class ActionPlanner {
  private readonly models: ModelProvider;
  private readonly clients: ModelClients;

  constructor(llm: LlmConfig, opts: { timeoutMs?: number } = {}) {
    this.models = new ConversationModelProvider({ kind: 'offline', model: OFFLINE_MODEL_NAME });
    this.clients = new ModelClients(llm, opts);
  }

  async plan(request: PlanRequest): Promise<ActionDecision> {
    const decision =
      request.model === OFFLINE_MODEL_NAME
        ? await this.planOffline(request)
        : await this.planWithChatCompletions(request);
    const checked = actionDecisionSchema.safeParse(decision);
    if (!checked.success) throw invalidOutput(request.model, z.prettifyError(checked.error));
    return checked.data;
  }

  private async planOffline(request: PlanRequest): Promise<unknown> {
    const model = await this.models.getModel(OFFLINE_MODEL_NAME);
    const tools: SerializedTool[] = request.tools.map((t) => ({
      type: 'function',
      name: t.name,
      description: t.description,
      parameters: t.parameters as never,
      strict: false,
    }));
    const modelRequest: ModelRequest = {
      systemInstructions: request.instructions,
      input: request.history,
      modelSettings: {},
      tools,
      outputType: 'text',
      handoffs: [],
      tracing: false,
    };
    return fromAgentOutput((await model.getResponse(modelRequest)).output);
  }

  private async planWithChatCompletions(request: PlanRequest): Promise<unknown> {
    const { route, client, callee } = this.clients.resolve(request.model);
    let raw: unknown;
    try {
      raw = await client.chat.completions.create({
        model: route.model,
        messages: toChatMessages(request.instructions, request.history),
        ...(request.tools.length
          ? {
              tools: request.tools.map((t) => ({
                type: 'function' as const,
                function: { name: t.name, description: t.description, parameters: t.parameters },
              })),
            }
          : {}),
      });
    } catch (err) {
      throw modelFailure(err, callee);
    }
    const parsed = chatCompletionSchema.safeParse(raw);
    if (!parsed.success) throw invalidOutput(request.model, z.prettifyError(parsed.error));
    const { message } = parsed.data.choices[0]!;
    const text = message.content?.trim() ?? '';
    if (!message.tool_calls?.length) return { kind: 'answer', text };
    return {
      kind: 'tool_calls',
      calls: message.tool_calls.map((call) => ({
        id: call.id,
        name: call.function.name,
        arguments: parseArguments(request.model, call.function.name, call.function.arguments),
      })),
      ...(text ? { text } : {}),
    };
  }
}

/** The offline model answers in Agents SDK output items: function calls, or an assistant message. */
function fromAgentOutput(output: AgentOutputItem[]): unknown {
  const calls = output.flatMap((item) =>
    item.type === 'function_call'
      ? [{ id: item.callId, name: item.name, arguments: parseArguments(OFFLINE_MODEL_NAME, item.name, item.arguments) }]
      : [],
  );
  const text = output
    .flatMap((item) =>
      item.type === 'message' && item.role === 'assistant'
        ? item.content.flatMap((c) => (c.type === 'output_text' ? [c.text] : []))
        : [],
    )
    .join('\n')
    .trim();
  return calls.length > 0 ? { kind: 'tool_calls', calls, ...(text ? { text } : {}) } : { kind: 'answer', text };
}

function parseArguments(model: string, tool: string, json: string): unknown {
  if (json.trim() === '') return {};
  try {
    return JSON.parse(json);
  } catch {
    throw invalidOutput(model, `the arguments of its ${tool} call are not JSON: ${json.slice(0, 200)}`);
  }
}

/** Malformed output is retried (a model may well answer properly next time), within the activity's attempts. */
function invalidOutput(model: string, problem: string): ApplicationFailure {
  return ApplicationFailure.retryable(
    `model ${model} returned a decision the loop cannot act on: ${problem}`,
    ModelFailureType.outputInvalid,
  );
}

/** Rate limit and overload: retried (after the provider's hint); bad key, unknown model, too long: not. */
function modelFailure(err: unknown, callee: ModelCallee): unknown {
  if (err instanceof APIConnectionError)
    return ApplicationFailure.retryable(`${callee.label} is unreachable: ${err.message}`, ModelFailureType.unavailable);
  if (err instanceof APIError) {
    const failure = classifyModelError(err, callee);
    return ApplicationFailure.create({
      message: failure.message,
      type: failure.type,
      nonRetryable: !failure.retryable,
      ...(failure.retryAfterMs !== undefined ? { nextRetryDelay: failure.retryAfterMs } : {}),
    });
  }
  return err;
}
