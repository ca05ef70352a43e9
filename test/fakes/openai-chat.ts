/**
 * Fakes of an OpenAI-compatible endpoint speaking the real Chat Completions wire format (POST /v1/chat/completions),
 * the way LiteLLM, Ollama and vLLM answer. `startChatCompletionsEndpoint` is the wire format around an answer (the
 * 404 for other URLs, the completion envelope, error bodies); `startOpenAiChatFake` asks for a tool while the last
 * message is the user's, and answers in text once a tool result (role "tool") is the last message, so the real
 * provider code path runs both ways.
 */
import { sendJson, startHttpFake, type HttpFake } from './http-fake';

export interface ChatRequestBody {
  model: string;
  messages: { role: string; content: unknown; tool_calls?: unknown[]; tool_call_id?: string }[];
  tools?: { type: string; function: { name: string; description?: string; parameters?: unknown } }[];
}

/** The assistant message of one completion. */
export interface ChatAnswer {
  content: string | null;
  tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
}

export interface ChatCompletionsEndpoint extends HttpFake {
  /** Every request body, in order. */
  bodies: ChatRequestBody[];
}

/** An HTTP error the endpoint answers: its status, message and any response headers (`retry-after`, say). */
export interface ChatError {
  status: number;
  error: string;
  headers?: Record<string, string>;
}

/** Where a provider mounts Chat Completions, and how it words an error body (OpenAI's shape by default). */
export interface ChatEndpointOptions {
  path?: string;
  errorBody?: (status: number, message: string) => unknown;
  /** Checks each request first (a provider's auth header, say); an error is answered as is. */
  check?: (headers: Record<string, string | string[] | undefined>) => ChatError | undefined;
  /** Checks each recorded body before it is answered (its size, say); an error is answered as is. */
  refuse?: (body: ChatRequestBody, raw: string) => ChatError | undefined;
}

/** The endpoint around `answer`, which gets each request (and its 1-based number) and returns a message or an HTTP error. */
export async function startChatCompletionsEndpoint(
  name: string,
  answer: (body: ChatRequestBody, n: number) => ChatAnswer | ChatError,
  opts: ChatEndpointOptions = {},
): Promise<ChatCompletionsEndpoint> {
  const bodies: ChatRequestBody[] = [];
  const path = opts.path ?? '/v1/chat/completions';
  const errorBody =
    opts.errorBody ??
    ((_status: number, message: string) => ({ error: { message, type: 'invalid_request_error', code: null } }));
  const fake = await startHttpFake((req, res, raw) => {
    if (req.method !== 'POST' || req.url !== path) {
      return sendJson(res, 404, {
        error: {
          message: `Unknown request URL: ${req.method} ${req.url}`,
          type: 'invalid_request_error',
          code: 'unknown_url',
        },
      });
    }
    const refused = opts.check?.(req.headers);
    if (refused) {
      res.writeHead(refused.status, { 'content-type': 'application/json', ...refused.headers });
      return void res.end(JSON.stringify(errorBody(refused.status, refused.error)));
    }
    const body = JSON.parse(raw) as ChatRequestBody;
    bodies.push(body);
    const n = bodies.length;
    const reply = opts.refuse?.(body, raw) ?? answer(body, n);
    if ('status' in reply) {
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      return void res.end(JSON.stringify(errorBody(reply.status, reply.error)));
    }
    const message = { role: 'assistant', refusal: null, ...reply };
    sendJson(res, 200, {
      id: `chatcmpl-${name}-${n}`,
      object: 'chat.completion',
      created: 1_795_000_000 + n,
      model: body.model,
      system_fingerprint: `fp_${name}`,
      choices: [{ index: 0, message, logprobs: null, finish_reason: reply.tool_calls ? 'tool_calls' : 'stop' }],
      usage: { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 },
    });
  });
  return Object.assign(fake, { bodies });
}

export interface OpenAiChatFake extends ChatCompletionsEndpoint {
  /** Which tool (and arguments) to ask for when the user speaks. */
  plan: { tool: string; arguments: Record<string, unknown> };
}

export async function startOpenAiChatFake(): Promise<OpenAiChatFake> {
  const plan = { tool: 'stock_price', arguments: { symbol: 'AAPL' } as Record<string, unknown> };
  const fake: OpenAiChatFake = Object.assign(
    await startChatCompletionsEndpoint('fake', (body, n) => {
      const last = body.messages.at(-1)!;
      if (last.role === 'tool') return { content: `From the tool: ${String(last.content).split('\n')[0]}` };
      return {
        content: null,
        tool_calls: [
          {
            id: `call_fake_${n}`,
            type: 'function' as const,
            function: { name: fake.plan.tool, arguments: JSON.stringify(fake.plan.arguments) },
          },
        ],
      };
    }),
    { plan },
  );
  return fake;
}
