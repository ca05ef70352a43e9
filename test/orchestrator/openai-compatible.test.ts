/**
 * An OpenAI-compatible endpoint (LiteLLM, Ollama, vLLM) through the real provider code: the worker's
 * ConversationModelProvider with OPENAI_BASE_URL semantics, against a local fake that speaks Chat Completions.
 * The model asks for a tool, the tool runs on the real Finance MCP server, the answer comes back. The API key stays
 * in the worker: it is sent to the endpoint and appears nowhere in the workflow's history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationModelProvider } from '../../orchestrator/model/provider';
import { historyText } from '../support/history';
import { startOpenAiChatFake, type OpenAiChatFake } from '../fakes/openai-chat';
import { startOpenAiResponsesFake } from '../fakes/openai-responses';
import { startOrchestratorStack, type OrchestratorStack } from '../support/orchestrator-stack';

const API_KEY = 'sk-test-compatible-0123456789abcdef';
let fake: OpenAiChatFake;
let stack: OrchestratorStack;

beforeAll(async () => {
  fake = await startOpenAiChatFake();
  const provider = new ConversationModelProvider({
    kind: 'openai-compatible',
    model: 'fake-llm',
    baseUrl: `${fake.url}/v1`,
    apiKey: API_KEY,
    api: 'chat_completions',
  });
  stack = await startOrchestratorStack({ modelProvider: provider, input: { model: 'fake-llm' } });
});
afterAll(async () => {
  await stack?.close();
  await fake?.close();
});

describe('OpenAI-compatible model endpoint', () => {
  it('runs a tool call the model asked for and answers with its result', async () => {
    const conversation = await stack.conversations.start();
    fake.plan = { tool: 'stock_price', arguments: { symbol: 'AAPL' } };
    const reply = await stack.conversations.send(conversation, 'What is the stock price of AAPL?');
    expect(reply.toolCalls).toEqual([
      expect.objectContaining({ tool: 'stock_price', arguments: { symbol: 'AAPL' }, ok: true }),
    ]);
    expect(reply.reply).toMatch(/^From the tool: AAPL: [\d,.]+ USD/);

    expect(fake.bodies).toHaveLength(2);
    const [ask, answer] = fake.bodies;
    expect(ask!.model).toBe('fake-llm');
    expect(ask!.tools!.map((t) => t.function.name)).toEqual(
      expect.arrayContaining(['stock_price', 'calculate_roi', 'track_ip', 'calculator', 'weather']),
    );
    const stockTool = ask!.tools!.find((t) => t.function.name === 'stock_price')!;
    expect(stockTool.function.parameters).toMatchObject({
      type: 'object',
      properties: { symbol: { type: 'string' } },
      required: ['symbol'],
    });
    expect(ask!.messages.at(-1)).toMatchObject({ role: 'user', content: 'What is the stock price of AAPL?' });
    expect(answer!.messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_fake_1' });
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });

  it('keeps the API key out of workflow history', async () => {
    const conversation = await stack.conversations.start();
    fake.plan = { tool: 'calculator', arguments: { expression: '2 + 2' } };
    await stack.conversations.send(conversation, 'What is 2 + 2?');
    const history = historyText(await conversation.fetchHistory());
    expect(history).toContain('What is 2 + 2?'); // the search does see payloads
    expect(history).toContain('fake-llm');
    expect(history).not.toContain(API_KEY);
  });
});

describe('OpenAI Responses API (the default of the openai provider; OPENAI_API=responses with a base URL)', () => {
  let responses: Awaited<ReturnType<typeof startOpenAiResponsesFake>>;
  let responsesStack: OrchestratorStack;
  beforeAll(async () => {
    responses = await startOpenAiResponsesFake();
    const provider = new ConversationModelProvider({
      kind: 'openai-compatible',
      model: 'fake-gpt',
      baseUrl: `${responses.url}/v1`,
      apiKey: API_KEY,
      api: 'responses',
    });
    responsesStack = await startOrchestratorStack({ modelProvider: provider, input: { model: 'fake-gpt' } });
  });
  afterAll(async () => {
    await responsesStack?.close();
    await responses?.close();
  });

  it('runs the tool the model asked for through the Responses wire format', async () => {
    const conversation = await responsesStack.conversations.start();
    responses.plan = { tool: 'calculate_roi', arguments: { principal: 10000, annual_rate: 0.05, years: 10 } };
    const reply = await responsesStack.conversations.send(conversation, 'ROI of $10000 at 5% for 10 years?');
    expect(reply.toolCalls).toEqual([expect.objectContaining({ tool: 'calculate_roi', ok: true })]);
    expect(reply.reply).toMatch(/^From the tool: .*final value 16,288\.95/);
    const [ask, answer] = responses.bodies;
    expect(ask!.model).toBe('fake-gpt');
    expect(ask!.tools!.map((t) => t.name)).toEqual(
      expect.arrayContaining(['calculate_roi', 'get_jira_metrics', 'weather']),
    );
    expect(answer!.input.at(-1)).toMatchObject({ type: 'function_call_output', call_id: 'call_fake_1' });
    expect(responses.requests[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });
});
