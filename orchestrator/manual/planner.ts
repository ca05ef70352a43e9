/**
 * The manual loop's planner, in the worker: it asks the conversation's model what to do next and returns a checked
 * `ActionDecision`. The offline model is the one the Agents SDK loop uses, reached through the same model provider
 * (orchestrator/model/provider.ts); any other model gets one Chat Completions call to the configured OpenAI or
 * OpenAI-compatible endpoint, with the tools' JSON schemas. The API key stays in this process.
 */
import type { AgentOutputItem, ModelProvider, ModelRequest, SerializedTool } from '@openai/agents-core';
import { ApplicationFailure } from '@temporalio/common';
import OpenAI, { APIConnectionError, APIError } from 'openai';
import { z } from 'zod';
import type { LlmConfig } from '../../shared/config';
import { ConversationModelProvider } from '../model/provider';
import { OFFLINE_MODEL_NAME } from '../shared';
import { toChatMessages } from './chat-messages';
import { actionDecisionSchema, type ActionDecision, type PlanRequest } from './decision';

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

/** HTTP statuses that a retry cannot fix: the request itself is wrong (bad key, unknown model, bad schema). */
const REJECTED_STATUSES = new Set([400, 401, 403, 404, 422]);

export class ActionPlanner {
  private readonly models: ModelProvider;
  private readonly chat?: OpenAI;

  constructor(
    private readonly llm: LlmConfig,
    opts: { timeoutMs?: number } = {},
  ) {
    this.models = new ConversationModelProvider({ kind: 'offline', model: OFFLINE_MODEL_NAME });
    if (llm.kind !== 'offline') {
      // Retries are the activity's (bounded, visible in the history), not the client library's.
      this.chat = new OpenAI({
        // Local servers (Ollama, vLLM) often need no key; the client library insists on one, so send a placeholder.
        apiKey: llm.apiKey ?? 'not-needed',
        ...(llm.kind === 'openai-compatible' ? { baseURL: llm.baseUrl } : {}),
        maxRetries: 0,
        ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}),
      });
    }
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
    if (!this.chat) {
      throw ApplicationFailure.nonRetryable(
        `This conversation asks for model ${JSON.stringify(request.model)}, but this worker has no OPENAI_API_KEY or OPENAI_BASE_URL; ` +
          'configure one, or use LLM_MODEL=offline',
        'ModelNotConfigured',
      );
    }
    let raw: unknown;
    try {
      raw = await this.chat.chat.completions.create({
        model: request.model,
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
      throw modelFailure(err);
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
    'ModelOutputInvalid',
  );
}

function modelFailure(err: unknown): unknown {
  if (err instanceof APIConnectionError)
    return ApplicationFailure.retryable(`the model endpoint is unreachable: ${err.message}`, 'ModelUnavailable');
  if (err instanceof APIError) {
    const what = `the model endpoint answered ${err.status ?? 'an error'}: ${err.message}`;
    return err.status !== undefined && REJECTED_STATUSES.has(err.status)
      ? ApplicationFailure.nonRetryable(what, 'ModelRequestRejected')
      : ApplicationFailure.retryable(what, 'ModelUnavailable');
  }
  return err;
}
