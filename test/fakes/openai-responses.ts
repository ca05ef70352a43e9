/**
 * A fake of OpenAI's Responses API (POST /v1/responses), the wire format the `openai` provider speaks by default:
 * it asks for a tool while the newest input item is the user's, and answers in text once a `function_call_output`
 * is the newest item.
 */
import { sendJson, startHttpFake, type HttpFake } from './http-fake';

export interface ResponsesRequestBody {
  model: string;
  input: { type?: string; role?: string; content?: unknown; call_id?: string; output?: unknown }[];
  tools?: { type: string; name: string; parameters?: unknown }[];
  instructions?: string;
}

export interface OpenAiResponsesFake extends HttpFake {
  bodies: ResponsesRequestBody[];
  plan: { tool: string; arguments: Record<string, unknown> };
}

export async function startOpenAiResponsesFake(): Promise<OpenAiResponsesFake> {
  const bodies: ResponsesRequestBody[] = [];
  let n = 0;
  const fake: OpenAiResponsesFake = Object.assign(
    await startHttpFake((req, res, raw) => {
      if (req.method !== 'POST' || req.url !== '/v1/responses') {
        return sendJson(res, 404, {
          error: {
            message: `Unknown request URL: ${req.method} ${req.url}`,
            type: 'invalid_request_error',
            code: 'unknown_url',
          },
        });
      }
      const body = JSON.parse(raw) as ResponsesRequestBody;
      bodies.push(body);
      n += 1;
      const last = body.input.at(-1)!;
      const output =
        last.type === 'function_call_output'
          ? [
              {
                type: 'message',
                id: `msg_fake_${n}`,
                status: 'completed',
                role: 'assistant',
                content: [
                  {
                    type: 'output_text',
                    text: `From the tool: ${String(last.output).split('\n')[0]}`,
                    annotations: [],
                  },
                ],
              },
            ]
          : [
              {
                type: 'function_call',
                id: `fc_fake_${n}`,
                call_id: `call_fake_${n}`,
                name: fake.plan.tool,
                arguments: JSON.stringify(fake.plan.arguments),
                status: 'completed',
              },
            ];
      sendJson(res, 200, {
        id: `resp_fake_${n}`,
        object: 'response',
        created_at: 1_795_000_000 + n,
        status: 'completed',
        model: body.model,
        output,
        parallel_tool_calls: true,
        tool_choice: 'auto',
        tools: body.tools ?? [],
        usage: {
          input_tokens: 42,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: 7,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: 49,
        },
      });
    }),
    { bodies, plan: { tool: 'stock_price', arguments: { symbol: 'AAPL' } } },
  );
  return fake;
}
