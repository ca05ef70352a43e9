/**
 * kill -9 of the orchestrator worker mid-turn with a conversation on Anthropic (issue 28), in each agent loop: the
 * worker is a real subprocess configured from the environment (ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL at a fake of
 * Anthropic's OpenAI-compatible endpoint). The restarted worker runs with another LLM_MODEL (Gemini): the conversation
 * keeps the model it recorded, the turn completes, and the model is not asked again for what it already answered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentLoop } from '../../orchestrator/contract/conversation';
import { sampleQuotes as sample, withQuote } from '../support/quotes';
import { startProviderFake, type ProviderFake } from '../fakes/provider-chat';
import type { ChatRequestBody } from '../fakes/scripted-chat-completions';
import { historyText } from '../support/history';
import { spawnEntry, waitFor, type Spawned } from '../support/processes';
import { startOrchestratorStack, type OrchestratorStack } from '../support/orchestrator-stack';

const MODEL = 'claude-3-5-sonnet-20241022';
const KEY = 'sk-ant-crash-test-0123456789abcdef';
/** Slow enough that the worker can be killed while the MCP call is in flight. */
const slowQuotes = withQuote(sample, {
  name: 'slow-sample',
  quote: async (symbol) => {
    await new Promise((r) => setTimeout(r, 3000));
    return sample.quote(symbol);
  },
});
const lastToolResult = (body: ChatRequestBody) =>
  String(body.messages.findLast((m) => m.role === 'tool')?.content ?? '');

describe.each<AgentLoop>(['agents-sdk', 'manual'])('worker kill -9 mid-turn on Anthropic (%s loop)', (agentLoop) => {
  let stack: OrchestratorStack;
  let anthropic: ProviderFake;
  const workers: Spawned[] = [];

  async function startWorkerProcess(env: Record<string, string>): Promise<Spawned> {
    const proc = spawnEntry('orchestrator/main.ts', {
      ...stack.env,
      MCP_CALL_TIMEOUT_MS: '5000',
      ANTHROPIC_API_KEY: KEY,
      ANTHROPIC_BASE_URL: anthropic.baseUrl,
      ...env,
    });
    workers.push(proc);
    await waitFor('orchestrator worker', () => proc.output().includes('orchestrator worker ready'), 120_000, proc);
    return proc;
  }

  beforeAll(async () => {
    anthropic = await startProviderFake('anthropic', KEY);
    stack = await startOrchestratorStack({
      quotes: slowQuotes,
      inProcessWorker: false,
      input: {
        model: MODEL,
        agentLoop,
        toolCalls: { timeoutMs: 5_000, maxAttempts: 3 },
        ...(agentLoop === 'manual' ? { modelCalls: { timeoutMs: 10_000, maxAttempts: 3 } } : {}),
      },
    });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    await stack?.close();
    await anthropic?.close();
  });

  it('completes the turn after a restart, on the model the conversation recorded', { timeout: 300_000 }, async () => {
    const first = await startWorkerProcess({ LLM_MODEL: MODEL });
    const conversation = await stack.conversations.start();
    anthropic.push({ toolCalls: [{ name: 'calculator', arguments: { expression: '15 * 23' } }] }, (body) => ({
      text: `Result: ${lastToolResult(body)}`,
    }));
    expect((await stack.conversations.send(conversation, 'Calculate 15 * 23')).reply).toMatch(/345/);

    anthropic.push({ toolCalls: [{ name: 'stock_price', arguments: { symbol: 'AAPL' } }] }, (body) => ({
      text: `Result: ${lastToolResult(body)}`,
    }));
    const pending = stack.conversations.send(conversation, 'What is the stock price of AAPL?');
    await waitFor('the quote lookup to start', () => stack.finance.quoteCalls.includes('AAPL'), 60_000);
    await first.kill('SIGKILL');

    // New conversations on this worker would go to Gemini; this one stays on Anthropic.
    await startWorkerProcess({ LLM_MODEL: 'gemini/gemini-2.0-flash', GEMINI_API_KEY: 'AIza-not-used' });
    const reply = await pending;
    expect(reply.reply).toMatch(/^Result: AAPL: [\d,.]+ USD/);
    expect(reply.toolCalls).toEqual([expect.objectContaining({ tool: 'stock_price', ok: true })]);
    expect(stack.finance.quoteCalls.filter((s) => s === 'AAPL')).toHaveLength(1);

    // Four model calls in all: the one that asked for the quote was not repeated after the crash.
    expect(anthropic.bodies).toHaveLength(4);
    expect(anthropic.pending()).toBe(0);
    expect(anthropic.bodies.map((b) => b.model)).toEqual(Array(4).fill(MODEL));
    expect(anthropic.bodies[3]!.messages.filter((m) => m.role === 'user').map((m) => m.content)).toEqual([
      'Calculate 15 * 23',
      'What is the stock price of AAPL?',
    ]);
    for (const request of anthropic.requests) expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(historyText(await conversation.fetchHistory())).not.toContain(KEY);
  });
});
