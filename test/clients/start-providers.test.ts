/**
 * Issue 28's done-when through the real launcher: `LLM_MODEL=claude-3-5-sonnet-20241022 ANTHROPIC_API_KEY=test
 * ANTHROPIC_BASE_URL=<fake> npm start` answers a sample question with its tool call, and so do `gemini/…`
 * (GEMINI_BASE_URL) and `ollama/…` (OLLAMA_BASE_URL) against their fakes (test/fakes/provider-chat.ts: each
 * provider's path, auth header and error envelope). One `npm start` per provider, each on a Temporal dev server of
 * its own, no .env; the agent loops alternate across them (Anthropic and Ollama: agents-sdk, Gemini: manual), so both
 * loops run under the launcher. The chat is driven through stdin; its end stops everything.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AgentLoop } from '../../shared/config';
import { startProviderFake, type FakeProvider, type ProviderFake } from '../fakes/provider-chat';
import type { ChatRequestBody } from '../fakes/scripted-chat-completions';
import { launch, ScriptedChat, type Launched } from '../support/launcher';
import { freePort } from '../support/processes';

interface Case {
  provider: FakeProvider;
  loop: AgentLoop;
  /** LLM_MODEL, and the model name the provider receives. */
  model: string;
  sent: string;
  /** The provider's variables besides its base URL (the key, where it takes one). */
  env: Record<string, string>;
  question: string;
  tool: string;
  args: Record<string, unknown>;
  answer: RegExp;
}

const CASES: Case[] = [
  {
    provider: 'anthropic',
    loop: 'agents-sdk',
    model: 'claude-3-5-sonnet-20241022',
    sent: 'claude-3-5-sonnet-20241022',
    env: { ANTHROPIC_API_KEY: 'test' },
    question: 'What is the stock price of AAPL?',
    tool: 'stock_price',
    args: { symbol: 'AAPL' },
    answer: /AAPL: [\d,.]+ USD.*sample data/,
  },
  {
    provider: 'gemini',
    loop: 'manual',
    model: 'gemini/gemini-2.0-flash',
    sent: 'gemini-2.0-flash',
    env: { GEMINI_API_KEY: 'test' },
    question: 'Calculate the ROI for $10000 invested at 5% for 10 years',
    tool: 'calculate_roi',
    args: { principal: 10000, annual_rate: 0.05, years: 10 },
    answer: /16,288\.95/,
  },
  {
    provider: 'ollama',
    loop: 'agents-sdk',
    model: 'ollama/llama3.1',
    sent: 'llama3.1',
    env: {},
    question: 'Calculate 15 * 23',
    tool: 'calculator',
    args: { expression: '15 * 23' },
    answer: /345/,
  },
];

const BASE_URL_VARIABLE: Record<FakeProvider, string> = {
  anthropic: 'ANTHROPIC_BASE_URL',
  gemini: 'GEMINI_BASE_URL',
  ollama: 'OLLAMA_BASE_URL',
};

const running: Launched[] = [];
const fakes: ProviderFake[] = [];
afterAll(async () => {
  for (const run of running) run.killAll();
  for (const fake of fakes) await fake.close();
});

const lastToolResult = (body: ChatRequestBody) =>
  String(body.messages.findLast((m) => m.role === 'tool')?.content ?? '');

describe('npm start with a provider model', () => {
  it.for(CASES)(
    'LLM_MODEL=$model ($loop loop) answers with its tool call',
    { timeout: 400_000 },
    async ({ provider, loop, model, sent, env, question, tool, args, answer }) => {
      const fake = await startProviderFake(provider, env.ANTHROPIC_API_KEY ?? env.GEMINI_API_KEY);
      fakes.push(fake);
      const [temporal, ui, finance, it] = [await freePort(), await freePort(), await freePort(), await freePort()];
      const run = launch('start', {
        TEMPORAL_ADDRESS: `127.0.0.1:${temporal}`,
        TEMPORAL_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'dma-start-providers-')),
        TEMPORAL_UI_PORT: String(ui),
        FINANCE_MCP_PORT: String(finance),
        IT_MCP_PORT: String(it),
        FINANCE_MCP_URL: `http://127.0.0.1:${finance}/mcp`,
        IT_MCP_URL: `http://127.0.0.1:${it}/mcp`,
        LLM_MODEL: model,
        [BASE_URL_VARIABLE[provider]]: fake.baseUrl,
        AGENT_LOOP: loop,
        ...env,
      });
      running.push(run);

      fake.push({ toolCalls: [{ name: tool, arguments: args }] }, (body) => ({
        text: `Result: ${lastToolResult(body)}`,
      }));
      const chat = new ScriptedChat(run);
      const reply = await chat.say(question, 300_000);
      expect(reply, run.err()).toMatch(new RegExp(`^Agent: Result: .*${answer.source}`, 'm'));
      expect(reply).toContain(`  ↳ ${tool} ${JSON.stringify(args)} [`);
      expect(run.out()).toContain(`Model: ${sent} via `);
      expect(run.out()).toContain(`Loop: ${loop} (`);

      // The provider was asked twice (the tool call, then the answer), as the launcher configured the worker.
      expect(fake.pending()).toBe(0);
      expect(fake.bodies.map((b) => b.model)).toEqual([sent, sent]);
      expect(fake.bodies[0]!.tools!.map((t) => t.function.name)).toContain(tool);
      expect(fake.bodies[1]!.messages.at(-1)).toMatchObject({ role: 'tool' });
      for (const request of fake.requests)
        expect(request.headers.authorization).toBe(provider === 'ollama' ? 'Bearer ollama' : 'Bearer test');

      chat.end();
      expect(await run.exited, run.err()).toBe(0);
      expect(run.survivors()).toEqual([]);
    },
  );
});
