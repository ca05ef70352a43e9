/**
 * A scripted OpenAI-compatible model over local HTTP, speaking the real Chat Completions wire format
 * (POST /v1/chat/completions): each request gets the next queued reply (tool calls, text, or an HTTP error) and is
 * recorded, so a test can script a multi-step tool use and assert what the model was shown at each step.
 */
import type { ChatRequestBody } from './openai-chat';
import { sendJson, startHttpFake, type HttpFake } from './http-fake';

export type { ChatRequestBody };

export type ScriptedChatReply =
  | { text: string }
  /** `arguments` as the model sends them: a JSON string (an object is serialized; a string is sent as is). */
  | { toolCalls: { name: string; arguments: Record<string, unknown> | string }[]; text?: string }
  | { status: number; error: string };

export interface ScriptedChatCompletions extends HttpFake {
  bodies: ChatRequestBody[];
  push(...replies: (ScriptedChatReply | ((body: ChatRequestBody) => ScriptedChatReply))[]): void;
  /** Replies queued and not yet asked for. */
  pending(): number;
}

export async function startScriptedChatCompletions(): Promise<ScriptedChatCompletions> {
  const bodies: ChatRequestBody[] = [];
  const queue: (ScriptedChatReply | ((body: ChatRequestBody) => ScriptedChatReply))[] = [];
  const fake = await startHttpFake((req, res, raw) => {
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      return sendJson(res, 404, {
        error: {
          message: `Unknown request URL: ${req.method} ${req.url}`,
          type: 'invalid_request_error',
          code: 'unknown_url',
        },
      });
    }
    const body = JSON.parse(raw) as ChatRequestBody;
    bodies.push(body);
    const n = bodies.length;
    const next = queue.shift();
    const reply =
      typeof next === 'function'
        ? next(body)
        : (next ?? { status: 400, error: `scripted model: no reply queued for request ${n}` });
    if ('status' in reply)
      return sendJson(res, reply.status, {
        error: { message: reply.error, type: 'invalid_request_error', code: null },
      });
    const toolCalls =
      'toolCalls' in reply
        ? reply.toolCalls.map((call, k) => ({
            id: `call_${n}_${k}`,
            type: 'function',
            function: {
              name: call.name,
              arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
            },
          }))
        : undefined;
    const message = {
      role: 'assistant',
      content: reply.text ?? null,
      refusal: null,
      ...(toolCalls ? { tool_calls: toolCalls } : {}),
    };
    sendJson(res, 200, {
      id: `chatcmpl-scripted-${n}`,
      object: 'chat.completion',
      created: 1_795_000_000 + n,
      model: body.model,
      system_fingerprint: 'fp_scripted',
      choices: [{ index: 0, message, logprobs: null, finish_reason: toolCalls ? 'tool_calls' : 'stop' }],
      usage: { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 },
    });
  });
  return Object.assign(fake, {
    bodies,
    push: (...replies: Parameters<ScriptedChatCompletions['push']>) => void queue.push(...replies),
    pending: () => queue.length,
  });
}
