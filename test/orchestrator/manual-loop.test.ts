/**
 * The manual agent loop (AGENT_LOOP=manual) with a model behind an OpenAI-compatible endpoint: a scripted model over
 * local HTTP speaking the real Chat Completions wire format, the real planning activity and the real tools (local
 * activities, the Finance and IT MCP servers and their workers). Routing, multi-step tool use, parallel calls,
 * memory across turns, the IT handle kept from the model, the step bound, bad model output, and the key kept out of
 * history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationHandle, Conversations } from '../../orchestrator/conversations';
import { ActionPlanner } from '../../orchestrator/manual/planner';
import {
  startScriptedChatCompletions,
  type ChatRequestBody,
  type ScriptedChatCompletions,
} from '../fakes/scripted-chat-completions';
import { historyText } from '../support/history';
import { startOrchestratorStack, type OrchestratorStack } from '../support/orchestrator-stack';

const API_KEY = 'sk-test-manual-loop-0123456789abcdef';
const MODEL = 'scripted-llm';
let model: ScriptedChatCompletions;
let stack: OrchestratorStack;
let conversations: Conversations;

beforeAll(async () => {
  model = await startScriptedChatCompletions();
  const planner = new ActionPlanner({
    kind: 'openai-compatible',
    model: MODEL,
    baseUrl: `${model.url}/v1`,
    apiKey: API_KEY,
    api: 'chat_completions',
  });
  stack = await startOrchestratorStack({
    planner,
    input: { model: MODEL, agentLoop: 'manual', modelCalls: { timeoutMs: 10_000, maxAttempts: 3 } },
  });
  conversations = stack.conversations;
});
afterAll(async () => {
  await stack?.close();
  await model?.close();
});

/** The text of the last tool message the model was shown. */
const lastToolResult = (body: ChatRequestBody) =>
  String(body.messages.findLast((m) => m.role === 'tool')?.content ?? '');
/** Bodies recorded from here on. */
const bodiesFrom = (start: number) => () => model.bodies.slice(start);

async function newConversation(): Promise<ConversationHandle> {
  return conversations.start();
}

describe('manual loop with a Chat Completions model', () => {
  it('routes the tool the model asked for, with the tools JSON schemas, and answers from its result', async () => {
    const conversation = await newConversation();
    expect((await conversation.describe()).type).toBe('manualConversationWorkflow');
    const bodies = bodiesFrom(model.bodies.length);
    model.push({ toolCalls: [{ name: 'stock_price', arguments: { symbol: 'AAPL' } }] }, (body) => ({
      text: `Per the tool: ${lastToolResult(body).split('\n')[0]}`,
    }));

    const reply = await conversations.send(conversation, 'What is the stock price of AAPL?');
    expect(reply.toolCalls).toEqual([
      {
        tool: 'stock_price',
        server: 'finance',
        arguments: { symbol: 'AAPL' },
        ok: true,
        summary: expect.stringMatching(/^AAPL: [\d,.]+ USD/),
      },
    ]);
    expect(reply.reply).toMatch(/^Per the tool: AAPL: [\d,.]+ USD/);

    const [ask, answer] = bodies();
    expect(bodies()).toHaveLength(2);
    expect(ask!.model).toBe(MODEL);
    expect(ask!.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(ask!.messages[0]!.content).toMatch(/never guess a price/);
    const names = ask!.tools!.map((t) => t.function.name);
    expect(names.slice(0, 2)).toEqual(['calculator', 'weather']); // local tools first, as the Agents SDK loop offers them
    expect(names).toEqual(
      expect.arrayContaining([
        'stock_price',
        'calculate_roi',
        'get_ip',
        'set_jira_project',
        'get_jira_metrics',
        'track_ip',
        'get_ip_history',
      ]),
    );
    expect(names).not.toContain('close_session'); // the conversation's own, never the model's
    expect(ask!.tools!.find((t) => t.function.name === 'stock_price')!.function.parameters).toMatchObject({
      type: 'object',
      properties: { symbol: { type: 'string' } },
      required: ['symbol'],
    });
    // The IT session's handle is the conversation's: it is not among the arguments the model is offered.
    expect(
      Object.keys(
        (ask!.tools!.find((t) => t.function.name === 'track_ip')!.function.parameters as { properties: object })
          .properties,
      ),
    ).not.toContain('session_id');
    expect(answer!.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(answer!.messages[2]).toMatchObject({
      role: 'assistant',
      tool_calls: [
        { id: 'call_1_0', type: 'function', function: { name: 'stock_price', arguments: '{"symbol":"AAPL"}' } },
      ],
    });
    expect(answer!.messages[3]).toMatchObject({
      role: 'tool',
      tool_call_id: 'call_1_0',
      content: expect.stringMatching(/^AAPL: /),
    });
    expect(model.requests.at(-1)!.headers.authorization).toBe(`Bearer ${API_KEY}`);

    // Each planning call is a scheduled activity for a remote model; the key appears nowhere in the history.
    const history = await conversation.fetchHistory();
    const planned = history.events!.filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'planNextAction',
    );
    expect(planned).toHaveLength(2);
    const text = historyText(history);
    expect(text).toContain('What is the stock price of AAPL?');
    expect(text).not.toContain(API_KEY);
  });

  it('uses tools over several steps, each step seeing the results before it', async () => {
    const conversation = await newConversation();
    const bodies = bodiesFrom(model.bodies.length);
    let price = '';
    model.push(
      { toolCalls: [{ name: 'stock_price', arguments: { symbol: 'MSFT' } }] },
      (body) => {
        price = /MSFT: ([\d.,]+) USD/.exec(lastToolResult(body))?.[1]?.replace(/,/g, '') ?? 'missing';
        return {
          toolCalls: [{ name: 'calculator', arguments: { expression: `${price} * 10` } }],
          text: 'Now the value of 10 shares.',
        };
      },
      (body) => ({ text: `Ten shares: ${lastToolResult(body)}` }),
    );
    const reply = await conversations.send(conversation, 'What are 10 MSFT shares worth?');
    expect(price).toMatch(/^\d+(\.\d+)?$/);
    expect(reply.toolCalls.map((c) => [c.tool, c.arguments, c.ok])).toEqual([
      ['stock_price', { symbol: 'MSFT' }, true],
      ['calculator', { expression: `${price} * 10` }, true],
    ]);
    expect(reply.reply).toMatch(/^Ten shares: .* = [\d.,]+/);
    expect(bodies()).toHaveLength(3);
    // The third request holds the whole turn, in order: the question, call, result, the model's words with its call, result.
    expect(bodies()[2]!.messages.map((m) => m.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
      'assistant',
      'tool',
    ]);
    expect(bodies()[2]!.messages[4]).toMatchObject({
      content: 'Now the value of 10 shares.',
      tool_calls: [{ function: { name: 'calculator' } }],
    });
  });

  it('runs the calls of one step side by side, each result under its own call id', async () => {
    const conversation = await newConversation();
    const bodies = bodiesFrom(model.bodies.length);
    model.push(
      {
        toolCalls: [
          { name: 'weather', arguments: { city: 'Paris' } },
          { name: 'calculator', arguments: { expression: '2 + 2' } },
        ],
      },
      { text: 'Both done.' },
    );
    const reply = await conversations.send(conversation, 'Weather in Paris, and 2 + 2?');
    expect(reply.toolCalls.map((c) => c.tool).sort()).toEqual(['calculator', 'weather']);
    const [first, second] = bodies();
    const ids = (second!.messages[2]!.tool_calls as { id: string }[]).map((c) => c.id);
    expect(second!.messages.slice(3).map((m) => [m.role, m.tool_call_id])).toEqual(ids.map((id) => ['tool', id]));
    expect(String(second!.messages.find((m) => m.tool_call_id === ids[1])!.content)).toBe('2 + 2 = 4');
    expect(first!.messages).toHaveLength(2);
  });

  it("remembers earlier turns and keeps the IT session handle out of the model's sight", async () => {
    const conversation = await newConversation();
    const bodies = bodiesFrom(model.bodies.length);
    model.push(
      { toolCalls: [{ name: 'set_jira_project', arguments: { project: 'OPS' } }] },
      { text: 'Project set to OPS.' },
    );
    await conversations.send(conversation, 'Set the JIRA project to OPS');
    model.push({ toolCalls: [{ name: 'get_jira_metrics', arguments: {} }] }, (body) => ({
      text: lastToolResult(body).split('\n')[0]!,
    }));
    const reply = await conversations.send(conversation, 'Get JIRA metrics');
    expect(reply.toolCalls).toEqual([expect.objectContaining({ tool: 'get_jira_metrics', arguments: {}, ok: true })]);
    expect(reply.reply).toMatch(/OPS/); // the session the first turn opened, found by the handle the workflow kept
    const transcript = await conversations.transcript(conversation);
    expect(transcript.itSessionId).toEqual(expect.any(String));
    // Turn 2's first request carries turn 1 whole. The model never passed the handle (the workflow put it in the
    // calls), and no schema it was offered asks for one.
    expect(bodies()[2]!.messages.map((m) => m.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
      'assistant',
      'user',
    ]);
    expect(JSON.stringify(bodies().flatMap((b) => b.messages.flatMap((m) => m.tool_calls ?? [])))).not.toContain(
      'session_id',
    );
    expect(JSON.stringify(bodies().map((b) => b.tools))).not.toContain('"session_id"');
  });

  it('tells the model about a tool that does not exist, and lets it recover', async () => {
    const conversation = await newConversation();
    model.push({ toolCalls: [{ name: 'launch_rockets', arguments: {} }] }, (body) => ({
      text: `Tool said: ${lastToolResult(body)}`,
    }));
    const reply = await conversations.send(conversation, 'Launch the rockets');
    expect(reply.toolCalls).toEqual([]);
    expect(reply.reply).toMatch(
      /^Tool said: Error: there is no tool named "launch_rockets"; the tools are: calculator, weather, /,
    );
  });

  it('stops at the step bound with an honest reply, and the next turn goes on', async () => {
    const bounded = stack.conversationsWith({
      model: MODEL,
      agentLoop: 'manual',
      maxStepsPerTurn: 3,
      modelCalls: { timeoutMs: 10_000, maxAttempts: 3 },
    });
    const conversation = await bounded.start();
    const bodies = bodiesFrom(model.bodies.length);
    for (let n = 1; n <= 3; n++)
      model.push({ toolCalls: [{ name: 'calculator', arguments: { expression: `${n} + ${n}` } }] });
    const reply = await bounded.send(conversation, 'Keep adding');
    expect(bodies()).toHaveLength(3);
    expect(reply.toolCalls.map((c) => c.arguments)).toEqual([
      { expression: '1 + 1' },
      { expression: '2 + 2' },
      { expression: '3 + 3' },
    ]);
    expect(reply.reply).toMatch(/limit of 3 planning steps.*still asking for tools \(most recently calculator\)/);

    model.push({ text: 'Done now.' });
    expect((await bounded.send(conversation, 'Stop adding')).reply).toBe('Done now.');
    // The bounded turn's calls, results and reply stayed in the history the model reads.
    expect(bodies()[3]!.messages.filter((m) => m.role === 'tool')).toHaveLength(3);
  });

  it("retries a decision it cannot act on, within the activity's attempts", async () => {
    const conversation = await newConversation();
    const bodies = bodiesFrom(model.bodies.length);
    model.push(
      { toolCalls: [{ name: 'calculator', arguments: '{"expression": "1 +' }] },
      { text: 'Second try worked.' },
    );
    const reply = await conversations.send(conversation, 'What is 1 + 1?');
    expect(reply).toMatchObject({ reply: 'Second try worked.', toolCalls: [] });
    expect(bodies()).toHaveLength(2);
    const history = await conversation.fetchHistory();
    const failed = history.events!.find(
      (e) => e.activityTaskStartedEventAttributes && (e.activityTaskStartedEventAttributes.attempt ?? 0) > 1,
    );
    expect(failed).toBeDefined();
  });

  it('gives an honest reply when the endpoint rejects the request, without retrying it', async () => {
    const conversation = await newConversation();
    const bodies = bodiesFrom(model.bodies.length);
    model.push({ status: 401, error: 'Incorrect API key provided' });
    const reply = await conversations.send(conversation, 'What is 3 + 3?');
    expect(reply.reply).toMatch(
      /^Sorry, I could not finish this turn: the model endpoint \S+ rejected the API key \(401: .*Incorrect API key provided\); check OPENAI_API_KEY$/,
    );
    expect(bodies()).toHaveLength(1);
    model.push({ text: 'Back again.' });
    expect((await conversations.send(conversation, 'Hello?')).reply).toBe('Back again.');
    expect(model.pending()).toBe(0);
  });
});
