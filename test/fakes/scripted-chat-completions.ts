/**
 * A scripted OpenAI-compatible model over local HTTP, speaking the real Chat Completions wire format
 * (POST /v1/chat/completions): each request gets the next queued reply (tool calls, text, or an HTTP error) and is
 * recorded, so a test can script a multi-step tool use and assert what the model was shown at each step.
 */
import {
  startChatCompletionsEndpoint,
  type ChatCompletionsEndpoint,
  type ChatEndpointOptions,
  type ChatRequestBody,
} from './openai-chat';

export type { ChatRequestBody };

export type ScriptedChatReply =
  | { text: string }
  /** `arguments` as the model sends them: a JSON string (an object is serialized; a string is sent as is). */
  | { toolCalls: { name: string; arguments: Record<string, unknown> | string }[]; text?: string }
  | { status: number; error: string; headers?: Record<string, string> };

export interface ScriptedChatCompletions extends ChatCompletionsEndpoint {
  push(...replies: (ScriptedChatReply | ((body: ChatRequestBody) => ScriptedChatReply))[]): void;
  /** Replies queued and not yet asked for. */
  pending(): number;
  /** Drops the replies not asked for; returns how many. */
  clear(): number;
}

export async function startScriptedChatCompletions(opts: ChatEndpointOptions = {}): Promise<ScriptedChatCompletions> {
  const queue: (ScriptedChatReply | ((body: ChatRequestBody) => ScriptedChatReply))[] = [];
  const fake = await startChatCompletionsEndpoint(
    'scripted',
    (body, n) => {
      const next = queue.shift();
      const reply =
        typeof next === 'function'
          ? next(body)
          : (next ?? { status: 400, error: `scripted model: no reply queued for request ${n}` });
      if ('status' in reply) return reply;
      if (!('toolCalls' in reply)) return { content: reply.text };
      return {
        content: reply.text ?? null,
        tool_calls: reply.toolCalls.map((call, k) => ({
          id: `call_${n}_${k}`,
          type: 'function' as const,
          function: {
            name: call.name,
            arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
          },
        })),
      };
    },
    opts,
  );
  return Object.assign(fake, {
    push: (...replies: Parameters<ScriptedChatCompletions['push']>) => void queue.push(...replies),
    pending: () => queue.length,
    clear: () => queue.splice(0).length,
  });
}
