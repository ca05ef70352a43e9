/**
 * The manual loop's pieces that need no Temporal: AGENT_LOOP's parsing, the history as Chat Completions messages, and
 * the planner's offline path (the real offline model, through the model provider) and its refusal of a model this
 * worker cannot reach.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, orchestratorSection } from '../../shared/config';
import { calculatorTool } from '../../orchestrator/tools/calculator-tool';
import { weatherTool } from '../../orchestrator/tools/weather/tool';
import { toChatMessages } from '../../orchestrator/manual/chat-messages';
import type { PlanRequest } from '../../orchestrator/contract/planning';
import { ActionPlanner } from '../../orchestrator/manual/planner';

const tools = [calculatorTool, weatherTool].map((t) => ({
  name: t.name,
  description: t.description,
  parameters: t.parameters as Record<string, unknown>,
}));
const request = (history: PlanRequest['history'], model = 'offline'): PlanRequest => ({
  model,
  instructions: 'Be brief.',
  history,
  tools,
});

describe('AGENT_LOOP', () => {
  const parse = (env: Record<string, string>) => orchestratorSection.parse(env, () => undefined);
  it('defaults to the Agents SDK loop and accepts manual', () => {
    expect(parse({}).agentLoop).toBe('agents-sdk');
    expect(parse({ AGENT_LOOP: 'manual' }).agentLoop).toBe('manual');
  });
  it('names the variable when the value is wrong', () => {
    expect(() => parse({ AGENT_LOOP: 'langchain' })).toThrow(ConfigError);
    expect(() => parse({ AGENT_LOOP: 'langchain' })).toThrow(/AGENT_LOOP/);
  });
});

describe('the manual loop history as Chat Completions messages', () => {
  it('keeps the order, joins the calls of one step into one assistant message, and puts each result under its call id', () => {
    const messages = toChatMessages('Be brief.', [
      { role: 'user', content: 'Weather in Paris and 2 + 2?' },
      {
        type: 'message',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: 'Looking both up.' }],
      },
      { type: 'function_call', callId: 'c1', name: 'weather', arguments: '{"city":"Paris"}', status: 'completed' },
      {
        type: 'function_call',
        callId: 'c2',
        name: 'calculator',
        arguments: '{"expression":"2 + 2"}',
        status: 'completed',
      },
      {
        type: 'function_call_result',
        callId: 'c1',
        name: 'weather',
        status: 'completed',
        output: { type: 'text', text: 'Paris: 12 °C' },
      },
      {
        type: 'function_call_result',
        callId: 'c2',
        name: 'calculator',
        status: 'completed',
        output: { type: 'text', text: '2 + 2 = 4' },
      },
      {
        type: 'message',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: '12 °C, and 4.' }],
      },
    ]);
    expect(messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather in Paris and 2 + 2?' },
      {
        role: 'assistant',
        content: 'Looking both up.',
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
          { id: 'c2', type: 'function', function: { name: 'calculator', arguments: '{"expression":"2 + 2"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'Paris: 12 °C' },
      { role: 'tool', tool_call_id: 'c2', content: '2 + 2 = 4' },
      { role: 'assistant', content: '12 °C, and 4.' },
    ]);
  });
});

describe('the planner, offline', () => {
  const planner = new ActionPlanner({ kind: 'offline', model: 'offline' });

  it('plans a tool call from the question, then answers from its result', async () => {
    const first = await planner.plan(request([{ role: 'user', content: 'Calculate 15 * 23' }]));
    expect(first).toEqual({
      kind: 'tool_calls',
      calls: [{ id: expect.any(String), name: 'calculator', arguments: { expression: '15 * 23' } }],
    });
    const call = first.kind === 'tool_calls' ? first.calls[0]! : undefined;
    const second = await planner.plan(
      request([
        { role: 'user', content: 'Calculate 15 * 23' },
        {
          type: 'function_call',
          callId: call!.id,
          name: 'calculator',
          arguments: JSON.stringify(call!.arguments),
          status: 'completed',
        },
        {
          type: 'function_call_result',
          callId: call!.id,
          name: 'calculator',
          status: 'completed',
          output: { type: 'text', text: '15 * 23 = 345' },
        },
      ]),
    );
    expect(second).toEqual({ kind: 'answer', text: expect.stringContaining('345') });
  });

  it('refuses a model this worker has no endpoint for, naming what to configure', async () => {
    await expect(planner.plan(request([{ role: 'user', content: 'hi' }], 'gpt-4o-mini'))).rejects.toThrow(
      /cannot serve it: gpt-4o-mini needs OPENAI_API_KEY or OPENAI_BASE_URL/,
    );
  });
});
