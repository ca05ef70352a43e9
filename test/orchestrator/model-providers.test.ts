/**
 * Any model by name (issue 28): Anthropic, Gemini and Ollama through their own OpenAI-compatible Chat Completions
 * endpoints, faked over local HTTP on each provider's path with its auth header and error envelope
 * (test/fakes/provider-chat.ts). One worker configured from the environment as a user would (`LLM_MODEL`,
 * `ANTHROPIC_API_KEY`, `*_BASE_URL`) serves conversations recorded with each provider's model, in both agent loops:
 * the sample questions of docs/orchestrator.md with their tool calls, then the failures a user meets (rate limit,
 * overload, bad key, unknown model, a context too long), each retried or not as it should be.
 */
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Conversations } from '../../orchestrator/conversations';
import { ActionPlanner } from '../../orchestrator/manual/planner';
import { ConversationModelProvider } from '../../orchestrator/model/provider';
import type { AgentLoop } from '../../shared/config';
import { orchestratorSection } from '../../shared/config';
import { requestTokens, startProviderFake, type FakeProvider, type ProviderFake } from '../fakes/provider-chat';
import type { ChatRequestBody } from '../fakes/scripted-chat-completions';
import { historyText } from '../support/history';
import { replayConversation } from '../support/replay';
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
      // Both loops say the classified failure (the Agents SDK loop's carries it as the plugin's error's cause).
      expect(reply.reply).toMatch(
        /^Sorry, I could not finish this turn: Anthropic rejected the API key \(401: .*invalid x-api-key\); check ANTHROPIC_API_KEY$/,
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
      /^Sorry, I could not finish this turn: Ollama does not serve model "no-such-model" \(404\)/,
    );
    expect(ollama.bodies.length - from).toBe(1);
  });
});

/**
 * Each fake refuses a request over its context size in its provider's own words (test/fakes/provider-chat.ts). The
 * model call reports a non-retryable `ModelContextTooLong`; the conversation's context policy drops earlier turns
 * and the model is asked once more; still too long, the turn says so in one line and the conversation goes on.
 */
/** How each provider's refusal begins (the fake's wording, after each provider's own). */
const TOO_LONG: Record<FakeProvider, string> = {
  anthropic: 'prompt is too long: ',
  gemini: 'The input token count (',
  ollama: 'request (',
};

describe.each(PROVIDERS)('a context too long for %s', (provider) => {
  const PAD = 'This sentence pads the question, so that the turn is long. '.repeat(100).trim(); // ~1,500 tokens

  afterEach(() => void (fakes[provider].contextTokens = undefined));

  it.each(LOOPS)('is trimmed by the context policy and asked once more, in the %s loop', async (loop) => {
    const fake = fakes[provider];
    const conversations = conversationsFor(provider, loop);
    const conversation = await conversations.start();
    const first = `Calculate 15 * 23. ${PAD}`;
    toolThenAnswer(fake, 'calculator', { expression: '15 * 23' });
    expect((await conversations.send(conversation, first)).reply).toMatch(/345/);
    toolThenAnswer(fake, 'stock_price', { symbol: 'AAPL' });
    expect((await conversations.send(conversation, 'What is the stock price of AAPL?')).reply).toMatch(/AAPL/);

    // The model's context: less than the next turn's first request (every turn so far), more than that without the
    // long first turn.
    fake.contextTokens = requestTokens(fake.requests.at(-1)!.body) - 800;
    const users = (body: ChatRequestBody) => body.messages.filter((m) => m.role === 'user').map((m) => m.content);
    const roi = 'Calculate the ROI for $10000 invested at 5% for 10 years';
    let from = fake.bodies.length;
    toolThenAnswer(fake, 'calculate_roi', { principal: 10000, annual_rate: 0.05, years: 10 });
    const trimmed = await conversations.send(conversation, roi);
    expect(trimmed.reply).toMatch(/16,288\.95/);
    expect(trimmed.notices).toContain(
      'The model found the conversation too long: 1 earlier turn(s) were dropped and it was asked again.',
    );
    const [refused, retried, afterTool, ...more] = fake.bodies.slice(from);
    expect(more).toEqual([]);
    expect(users(refused!)).toEqual([first, 'What is the stock price of AAPL?', roi]);
    expect(users(retried!)).toEqual(['What is the stock price of AAPL?', roi]);
    expect(users(afterTool!)).toEqual(['What is the stock price of AAPL?', roi]);
    expect(fake.pending()).toBe(0);

    // Too long even trimmed: one line, the model asked twice, not retried.
    fake.contextTokens = 100;
    from = fake.bodies.length;
    const refusedTwice = await conversations.send(conversation, 'Calculate 1 + 1');
    expect(refusedTwice.reply).toMatch(/^Sorry, I could not finish this turn: the conversation is too long for /);
    expect(refusedTwice.reply).toContain(`too long for ${MODELS[provider][1]} (400): ${TOO_LONG[provider]}`);
    expect(refusedTwice.notices.join('\n')).toMatch(/too long: \d earlier turn\(s\) were dropped and it was asked/);
    expect(fake.bodies.length - from).toBe(2);

    // The conversation goes on.
    fake.contextTokens = undefined;
    toolThenAnswer(fake, 'calculator', { expression: '15 * 23' });
    expect((await conversations.send(conversation, 'Calculate 15 * 23')).reply).toMatch(/345/);
    expect(fake.pending()).toBe(0);

    const history = await conversation.fetchHistory();
    expect(historyText(history)).toContain('ModelContextTooLong');
    if (loop === 'agents-sdk') {
      expect(historyText(history)).toContain('context-too-long-trims-conversation');
      await replayConversation(JSON.parse(historyToJSON(history)), `context-too-long-${provider}`);
    }
  });
});

/**
 * The context grows too long within a turn, after a tool ran. The manual loop keeps the turn's steps and asks again on
 * the trimmed history; the Agents SDK loop can only run the turn again from its start, which would call the tool
 * again: it trims the memory for the turns to come and ends this turn in one line.
 */
describe.each(LOOPS)('a context too long after a tool ran, in the %s loop', (loop) => {
  afterEach(() => void (fakes.anthropic.contextTokens = undefined));

  it('trims the conversation; the tool runs once', async () => {
    const fake = fakes.anthropic;
    const conversations = conversationsFor('anthropic', loop);
    const conversation = await conversations.start();
    const pad = 'This sentence pads the question, so that the turn is long. '.repeat(100).trim();
    toolThenAnswer(fake, 'calculator', { expression: '15 * 23' });
    await conversations.send(conversation, `Calculate 15 * 23. ${pad}`);

    const from = fake.bodies.length;
    // The model's context fits the first request of the next turn, not that request with the tool's result.
    fake.push(
      (body) => {
        fake.contextTokens = requestTokens(JSON.stringify(body)) + 10;
        return {
          toolCalls: [{ name: 'calculate_roi', arguments: { principal: 10000, annual_rate: 0.05, years: 10 } }],
        };
      },
      (body) => ({ text: `Result: ${lastToolResult(body)}` }),
    );
    const reply = await conversations.send(conversation, 'Calculate the ROI for $10000 invested at 5% for 10 years');
    expect(reply.toolCalls.map((c) => c.tool)).toEqual(['calculate_roi']);
    if (loop === 'manual') {
      expect(reply.reply).toMatch(/16,288\.95/);
      expect(reply.notices).toContain(
        'The model found the conversation too long: 1 earlier turn(s) were dropped and it was asked again.',
      );
      expect(fake.bodies.length - from).toBe(3);
    } else {
      expect(reply.reply).toMatch(/^Sorry, I could not finish this turn: the conversation is too long for claude-/);
      expect(reply.notices).toContain(
        "The model found the conversation too long: 1 earlier turn(s) were dropped; this turn's tools had already run, so it was not asked again.",
      );
      expect(fake.bodies.length - from).toBe(2);
      expect(fake.clear()).toBe(1); // the answer, never asked for
    }
    expect(fake.pending()).toBe(0);

    // The next turn fits without the long first one.
    fake.contextTokens = undefined;
    const next = fake.bodies.length;
    toolThenAnswer(fake, 'calculator', { expression: '2 * 3' });
    expect((await conversations.send(conversation, 'Calculate 2 * 3')).reply).toMatch(/6/);
    const users = fake.bodies[next]!.messages.filter((m) => m.role === 'user').map((m) => m.content);
    expect(users[0]).toBe('Calculate the ROI for $10000 invested at 5% for 10 years');
  });
});
