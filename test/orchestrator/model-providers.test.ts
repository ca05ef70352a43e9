/**
 * Any model by name (issue 28): Anthropic, Gemini and Ollama through their own OpenAI-compatible Chat Completions
 * endpoints, faked over local HTTP on each provider's path with its auth header and error envelope
 * (test/fakes/provider-chat.ts). One worker configured from the environment as a user would (`LLM_MODEL`,
 * `ANTHROPIC_API_KEY`, `*_BASE_URL`) serves conversations recorded with each provider's model, in both agent loops:
 * the README's sample questions with their tool calls, then the failures a user meets (rate limit, overload, bad key,
 * unknown model, a context too long), each retried or not as it should be.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conversations } from '../../orchestrator/conversations';
import { ActionPlanner } from '../../orchestrator/manual/planner';
import { ConversationModelProvider } from '../../orchestrator/model/provider';
import type { AgentLoop } from '../../shared/config';
import { orchestratorSection } from '../../shared/config';
import { startProviderFake, type FakeProvider, type ProviderFake } from '../fakes/provider-chat';
import type { ChatRequestBody } from '../fakes/scripted-chat-completions';
import { historyText } from '../support/history';
import { startOrchestratorStack, type OrchestratorStack } from '../support/orchestrator-stack';
import { SAMPLE_QUESTIONS } from './sample-questions';

const KEYS = { anthropic: 'sk-ant-test-0123456789abcdef', gemini: 'AIza-test-0123456789abcdef' };
/** The model each provider's conversations are recorded with, and the name the provider receives. */
const MODELS: Record<FakeProvider, [recorded: string, sent: string]> = {
  anthropic: ['claude-3-5-sonnet-20241022', 'claude-3-5-sonnet-20241022'],
  gemini: ['gemini/gemini-2.0-flash', 'gemini-2.0-flash'],
  ollama: ['ollama/llama3.1', 'llama3.1'],
};
const PROVIDERS = Object.keys(MODELS) as FakeProvider[];
const LOOPS: AgentLoop[] = ['agents-sdk', 'manual'];

const fakes = {} as Record<FakeProvider, ProviderFake>;
let stack: OrchestratorStack;

beforeAll(async () => {
  for (const p of PROVIDERS) fakes[p] = await startProviderFake(p, (KEYS as Record<string, string>)[p]);
  // As the worker reads it: LLM_MODEL picks Anthropic for new conversations; Gemini and Ollama are configured too.
  const config = orchestratorSection.parse(
    {
      LLM_MODEL: MODELS.anthropic[0],
      ANTHROPIC_API_KEY: KEYS.anthropic,
      ANTHROPIC_BASE_URL: fakes.anthropic.baseUrl,
      GEMINI_API_KEY: KEYS.gemini,
      GEMINI_BASE_URL: fakes.gemini.baseUrl,
      OLLAMA_BASE_URL: fakes.ollama.baseUrl,
    },
    () => undefined,
  );
  expect(config.llm).toMatchObject({ kind: 'anthropic', model: MODELS.anthropic[0] });
  stack = await startOrchestratorStack({
    modelProvider: new ConversationModelProvider(config.llm),
    planner: new ActionPlanner(config.llm, { timeoutMs: 10_000 }),
    input: { model: config.llm.model },
  });
});
afterAll(async () => {
  await stack?.close();
  for (const fake of Object.values(fakes)) await fake?.close();
});

const lastToolResult = (body: ChatRequestBody) =>
  String(body.messages.findLast((m) => m.role === 'tool')?.content ?? '');

function conversationsFor(provider: FakeProvider, loop: AgentLoop): Conversations {
  return stack.conversationsWith({
    model: MODELS[provider][0],
    agentLoop: loop,
    ...(loop === 'manual' ? { modelCalls: { timeoutMs: 10_000, maxAttempts: 3 } } : {}),
  });
}

/** The model asks for `tool` with `args`, then answers with the tool's result. */
function toolThenAnswer(fake: ProviderFake, tool: string, args: Record<string, unknown>) {
  fake.push({ toolCalls: [{ name: tool, arguments: args }] }, (body) => ({ text: `Result: ${lastToolResult(body)}` }));
}

describe.each(PROVIDERS)('%s', (provider) => {
  it.each(LOOPS)('answers the sample questions with tool calls in the %s loop', async (loop) => {
    const fake = fakes[provider];
    const conversations = conversationsFor(provider, loop);
    const conversation = await conversations.start();
    const from = fake.bodies.length;
    const requestsFrom = fake.requests.length;
    for (const [question, tool, args, answer] of SAMPLE_QUESTIONS) {
      toolThenAnswer(fake, tool, args);
      const reply = await conversations.send(conversation, question);
      expect(
        reply.toolCalls.map((c) => [c.tool, c.ok]),
        question,
      ).toEqual([[tool, true]]);
      expect(reply.reply, question).toMatch(answer);
    }
    expect(fake.pending()).toBe(0);
    const bodies = fake.bodies.slice(from);
    expect(bodies).toHaveLength(SAMPLE_QUESTIONS.length * 2);
    // The provider prefix is stripped; the tools go in Chat Completions' function format; results come back as
    // role "tool" under the call's id.
    for (const body of bodies) expect(body.model).toBe(MODELS[provider][1]);
    expect(bodies[0]!.tools!.map((t) => t.function.name)).toEqual(
      expect.arrayContaining(['calculator', 'weather', 'stock_price', 'track_ip']),
    );
    expect(bodies[1]!.messages.at(-2)).toMatchObject({
      role: 'assistant',
      tool_calls: [{ type: 'function', function: { name: 'calculator' } }],
    });
    expect(bodies[1]!.messages.at(-1)).toMatchObject({ role: 'tool', content: expect.stringMatching(/345/) });
    for (const request of fake.requests.slice(requestsFrom)) {
      expect(request.headers.authorization).toBe(
        provider === 'ollama' ? 'Bearer ollama' : `Bearer ${(KEYS as Record<string, string>)[provider]}`,
      );
    }
    const history = historyText(await conversation.fetchHistory());
    expect(history).toContain(MODELS[provider][0]);
    for (const key of Object.values(KEYS)) expect(history).not.toContain(key);
  });
});

describe.each(LOOPS)('failures in the %s loop', (loop) => {
  const fake = () => fakes.anthropic;
  const conversations = () => conversationsFor('anthropic', loop);

  it('retries a rate limit after its retry-after, and an overloaded provider', async () => {
    const conversation = await conversations().start();
    const from = fake().bodies.length;
    fake().push(
      {
        status: 429,
        error: 'Number of request tokens has exceeded your per-minute rate limit',
        headers: { 'retry-after': '1' },
      },
      { status: 529, error: 'Overloaded' },
    );
    toolThenAnswer(fake(), 'calculator', { expression: '15 * 23' });
    const reply = await conversations().send(conversation, 'Calculate 15 * 23');
    expect(reply.reply).toMatch(/345/);
    expect(fake().bodies.length - from).toBe(4);
  });

  it('does not retry a bad key, and says which variable to check', async () => {
    const conversation = await conversations().start();
    const from = fake().requests.length;
    fake().acceptedKey = 'sk-ant-another-key';
    try {
      const reply = await conversations().send(conversation, 'Calculate 15 * 23');
      // The Agents SDK loop's plugin prefixes "Model invocation failed: ".
      expect(reply.reply).toMatch(
        /^Sorry, I could not finish this turn: (Model invocation failed: )?Anthropic rejected the API key \(401: .*invalid x-api-key\); check ANTHROPIC_API_KEY$/,
      );
    } finally {
      fake().acceptedKey = KEYS.anthropic;
    }
    expect(fake().requests.length - from).toBe(1);
  });

  it('does not retry an unknown model, and names it', async () => {
    const ollama = fakes.ollama;
    const conversations = stack.conversationsWith({
      model: 'ollama/no-such-model',
      agentLoop: loop,
      ...(loop === 'manual' ? { modelCalls: { timeoutMs: 10_000, maxAttempts: 3 } } : {}),
    });
    const conversation = await conversations.start();
    const from = ollama.bodies.length;
    ollama.push({ status: 404, error: 'model "no-such-model" not found, try pulling it first' });
    const reply = await conversations.send(conversation, 'Calculate 15 * 23');
    expect(reply.reply).toMatch(
      /^Sorry, I could not finish this turn: (Model invocation failed: )?Ollama does not serve model "no-such-model" \(404\)/,
    );
    expect(ollama.bodies.length - from).toBe(1);
  });

  it('trims the context and asks once more when the provider finds it too long', async () => {
    const conversation = await conversations().start();
    for (const [question, tool, args] of SAMPLE_QUESTIONS.slice(0, 2)) {
      toolThenAnswer(fake(), tool, args);
      await conversations().send(conversation, question);
    }
    const from = fake().bodies.length;
    fake().push({ status: 400, error: 'prompt is too long: 210000 tokens > 200000 maximum' });
    toolThenAnswer(fake(), 'stock_price', { symbol: 'AAPL' });
    const reply = await conversations().send(conversation, 'What is the stock price of AAPL?');
    expect(reply.reply).toMatch(/AAPL: [\d,.]+ USD/);
    const [tooLong, retried] = fake().bodies.slice(from);
    const users = (body: ChatRequestBody) => body.messages.filter((m) => m.role === 'user').map((m) => m.content);
    expect(users(tooLong!)).toHaveLength(3);
    expect(users(retried!).length).toBeLessThan(3);
    expect(users(retried!).at(-1)).toBe('What is the stock price of AAPL?');
    if (loop === 'manual') expect(reply.notices.join('\n')).toMatch(/too long: \d earlier turn\(s\) were dropped/);
  });

  it('gives up on a context still too long after one trim', async () => {
    const conversation = await conversations().start();
    toolThenAnswer(fake(), 'calculator', { expression: '1 + 1' });
    await conversations().send(conversation, 'Calculate 1 + 1');
    const from = fake().bodies.length;
    fake().push(
      { status: 400, error: 'prompt is too long: 210000 tokens > 200000 maximum' },
      { status: 400, error: 'prompt is too long: 205000 tokens > 200000 maximum' },
    );
    const reply = await conversations().send(conversation, 'Calculate 15 * 23');
    expect(reply.reply).toMatch(
      /^Sorry, I could not finish this turn: (Model invocation failed: )?the conversation is too long for claude-3-5-sonnet/,
    );
    expect(fake().bodies.length - from).toBe(2);
  });
});
