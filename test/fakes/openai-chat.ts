/**
 * A fake OpenAI-compatible endpoint speaking the real Chat Completions wire format (POST /v1/chat/completions):
 * the way LiteLLM, Ollama and vLLM answer. It asks for a tool while the last message is the user's, and answers in
 * text once a tool result (role "tool") is the last message, so the real provider code path runs both ways.
 */
import { sendJson, startHttpFake, type HttpFake } from './http-fake';

export interface ChatRequestBody {
  model: string;
  messages: { role: string; content: unknown; tool_calls?: unknown[]; tool_call_id?: string }[];
  tools?: { type: string; function: { name: string; description?: string; parameters?: unknown } }[];
}

export interface OpenAiChatFake extends HttpFake {
  bodies: ChatRequestBody[];
  /** Which tool (and arguments) to ask for when the user speaks. */
  plan: { tool: string; arguments: Record<string, unknown> };
}

export async function startOpenAiChatFake(): Promise<OpenAiChatFake> {
  const bodies: ChatRequestBody[] = [];
  let n = 0;
  const fake: OpenAiChatFake = Object.assign(
    await startHttpFake((req, res, raw) => {
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
      n += 1;
      const last = body.messages.at(-1)!;
      const message =
        last.role === 'tool'
          ? { role: 'assistant', content: `From the tool: ${String(last.content).split('\n')[0]}`, refusal: null }
          : {
              role: 'assistant',
              content: null,
              refusal: null,
              tool_calls: [
                {
                  id: `call_fake_${n}`,
                  type: 'function',
                  function: { name: fake.plan.tool, arguments: JSON.stringify(fake.plan.arguments) },
                },
              ],
            };
      sendJson(res, 200, {
        id: `chatcmpl-fake-${n}`,
        object: 'chat.completion',
        created: 1_795_000_000 + n,
        model: body.model,
        system_fingerprint: 'fp_fake',
        choices: [{ index: 0, message, logprobs: null, finish_reason: last.role === 'tool' ? 'stop' : 'tool_calls' }],
        usage: { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 },
      });
    }),
    { bodies, plan: { tool: 'stock_price', arguments: { symbol: 'AAPL' } } },
  );
  return fake;
}
