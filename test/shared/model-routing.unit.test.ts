/**
 * Model names to providers (issue 28), the one-line errors at start, and how a provider's HTTP failure is classified
 * for retries. Pure: no network, no Temporal.
 */
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { ActionPlanner } from '../../orchestrator/manual/planner';
import { startProviderFake } from '../fakes/provider-chat';
import { ConfigError, describeModel, orchestratorSection, routeModel, type ModelEndpoints } from '../../shared/config';
import { classifyModelError, retryAfterMs } from '../../shared/providers';

const llm = (env: Record<string, string>) => orchestratorSection.parse(env, () => undefined).llm;
const startError = (env: Record<string, string>) => {
  try {
    llm(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a configuration error');
};

const endpoints: ModelEndpoints = {
  openai: { apiKey: 'sk-openai', api: 'responses' },
  anthropic: { apiKey: 'sk-ant', baseUrl: 'https://api.anthropic.com/v1/' },
  gemini: { apiKey: 'AIza', baseUrl: 'https://generativelanguage.googleapis.com/v1beta/openai/' },
  ollama: { baseUrl: 'http://127.0.0.1:11434/v1' },
};

describe('model names to providers', () => {
  it.each([
    ['gpt-4o-mini', 'openai', 'gpt-4o-mini'],
    ['o3-mini', 'openai', 'o3-mini'],
    ['openai/gpt-4.1', 'openai', 'gpt-4.1'],
    ['claude-3-5-sonnet-20241022', 'anthropic', 'claude-3-5-sonnet-20241022'],
    ['anthropic/claude-sonnet-4-5', 'anthropic', 'claude-sonnet-4-5'],
    ['gemini/gemini-2.0-flash', 'gemini', 'gemini-2.0-flash'],
    ['gemini-2.0-flash', 'gemini', 'gemini-2.0-flash'],
    ['ollama/llama3.1', 'ollama', 'llama3.1'],
    ['ollama/qwen2.5:7b', 'ollama', 'qwen2.5:7b'],
  ])('%s goes to %s as %s', (name, provider, model) => {
    expect(routeModel(name, endpoints)).toMatchObject({ provider, model });
  });

  it('sends names without a known prefix to OPENAI_BASE_URL, as before', () => {
    const compatible = { ...endpoints, openai: { baseUrl: 'http://127.0.0.1:4000', api: 'chat_completions' as const } };
    expect(routeModel('meta-llama/Llama-3.1-8B', compatible)).toMatchObject({
      provider: 'openai-compatible',
      model: 'meta-llama/Llama-3.1-8B',
      baseUrl: 'http://127.0.0.1:4000',
    });
    expect(routeModel('gpt-4o', compatible)).toMatchObject({ provider: 'openai-compatible', model: 'gpt-4o' });
    // A LiteLLM proxy serves claude-… too: without ANTHROPIC_API_KEY it goes there.
    const proxyOnly = { ...compatible, anthropic: { baseUrl: endpoints.anthropic.baseUrl } };
    expect(routeModel('claude-3-5-sonnet-20241022', proxyOnly)).toMatchObject({ provider: 'openai-compatible' });
  });

  it('configures each provider from its variables, with its documented base URL by default', () => {
    expect(llm({ LLM_MODEL: 'claude-3-5-sonnet-20241022', ANTHROPIC_API_KEY: 'k' })).toMatchObject({
      kind: 'anthropic',
      baseUrl: 'https://api.anthropic.com/v1/',
      apiKey: 'k',
    });
    expect(llm({ LLM_MODEL: 'gemini/gemini-2.0-flash', GOOGLE_API_KEY: 'g' })).toMatchObject({
      kind: 'gemini',
      baseUrl: 'https://generativelanguage.googleapis.com/v1beta/openai/',
      apiKey: 'g',
    });
    expect(llm({ LLM_MODEL: 'ollama/llama3.1', OLLAMA_BASE_URL: 'http://gpu-box:11434/v1' })).toMatchObject({
      kind: 'ollama',
      baseUrl: 'http://gpu-box:11434/v1',
    });
    expect(llm({})).toMatchObject({ kind: 'offline', model: 'offline' });
    expect(llm({ OPENAI_API_KEY: 'sk' })).toMatchObject({ kind: 'openai', model: 'gpt-4o-mini', api: 'responses' });
  });

  it('stops at start with one line naming what to set', () => {
    expect(startError({ LLM_MODEL: 'claude-3-5-sonnet-20241022' })).toBe(
      'Invalid configuration: LLM_MODEL: claude-3-5-sonnet-20241022 needs ANTHROPIC_API_KEY; use LLM_MODEL=offline for the offline planner',
    );
    expect(startError({ LLM_MODEL: 'gemini/gemini-2.0-flash' })).toMatch(
      /^Invalid configuration: LLM_MODEL: gemini\/gemini-2.0-flash needs GEMINI_API_KEY \(or GOOGLE_API_KEY\);[^\n]*$/,
    );
    expect(startError({ LLM_MODEL: 'mistral/mistral-large' })).toBe(
      'Invalid configuration: LLM_MODEL: mistral/mistral-large: unknown provider "mistral"; known: openai/…, anthropic/…, gemini/…, ollama/… (or set OPENAI_BASE_URL for any OpenAI-compatible endpoint)',
    );
    expect(startError({ LLM_MODEL: 'gpt-4o' })).toMatch(
      /^Invalid configuration: LLM_MODEL: gpt-4o needs OPENAI_API_KEY or OPENAI_BASE_URL;/,
    );
    expect(startError({ LLM_MODEL: 'ollama/' })).toMatch(/names no model after ollama\//);
    expect(startError({ LLM_MODEL: 'claude-x', ANTHROPIC_API_KEY: 'k', ANTHROPIC_BASE_URL: 'not a url' })).toMatch(
      /^Invalid configuration: ANTHROPIC_BASE_URL: /,
    );
  });

  it('names provider and model for the chat banner', () => {
    expect(describeModel(llm({ LLM_MODEL: 'anthropic/claude-sonnet-4-5', ANTHROPIC_API_KEY: 'k' }))).toBe(
      'claude-sonnet-4-5 via Anthropic (https://api.anthropic.com/v1/)',
    );
    expect(describeModel(llm({ OPENAI_API_KEY: 'sk' }))).toBe('gpt-4o-mini via OpenAI, Responses API');
    expect(describeModel(llm({}))).toBe('the offline planner');
  });
});

describe('provider failures, classified for retries', () => {
  const who = { label: 'Anthropic', model: 'claude-3-5-sonnet-20241022', keyVariable: 'ANTHROPIC_API_KEY' };
  const headers = (h: Record<string, string>) => new Headers(h);

  it.each([
    [429, 'rate limited', 'ModelRateLimited', true],
    [529, 'Overloaded', 'ModelOverloaded', true],
    [503, 'The model is overloaded', 'ModelOverloaded', true],
    [500, 'internal', 'ModelUnavailable', true],
    [401, 'invalid x-api-key', 'ModelAuthRejected', false],
    [403, 'forbidden', 'ModelAuthRejected', false],
    [400, 'API key not valid. Please pass a valid API key.', 'ModelAuthRejected', false],
    [404, 'model: claude-nope', 'ModelNotFound', false],
    [400, 'prompt is too long: 210000 tokens > 200000 maximum', 'ModelContextTooLong', false],
    [400, "This model's maximum context length is 128000 tokens", 'ModelContextTooLong', false],
    [
      400,
      'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).',
      'ModelContextTooLong',
      false,
    ],
    [
      400,
      'request (9000 tokens) exceeds the available context size (4096 tokens), try increasing it',
      'ModelContextTooLong',
      false,
    ],
    [400, 'tools.0.name: invalid', 'ModelRequestRejected', false],
  ] as const)('%i %s: %s, retryable %s', (status, message, type, retryable) => {
    expect(classifyModelError({ status, message }, who)).toMatchObject({ type, retryable });
  });

  it('says what to do in one line', () => {
    expect(classifyModelError({ status: 401, message: 'invalid x-api-key' }, who).message).toBe(
      'Anthropic rejected the API key (401: invalid x-api-key); check ANTHROPIC_API_KEY',
    );
    expect(classifyModelError({ status: 404, message: 'not found' }, who).message).toMatch(
      /^Anthropic does not serve model "claude-3-5-sonnet-20241022" \(404\)/,
    );
  });

  it("takes the next retry's delay from the provider's hint", () => {
    expect(
      classifyModelError({ status: 429, message: 'slow down', headers: headers({ 'retry-after': '7' }) }, who)
        .retryAfterMs,
    ).toBe(7000);
    expect(retryAfterMs(headers({ 'retry-after-ms': '250', 'retry-after': '7' }))).toBe(250);
    expect(
      retryAfterMs(headers({ 'retry-after': 'Mon, 07 Dec 2026 12:00:30 GMT' }), Date.parse('2026-12-07T12:00:00Z')),
    ).toBe(30_000);
    expect(retryAfterMs(headers({}))).toBeUndefined();
  });
});

describe("the manual loop's planner over a provider's endpoint", () => {
  it('fails a rate limit as retryable with the hint as the next delay, a bad key as not retryable', async () => {
    const fake = await startProviderFake('anthropic', 'sk-ant-unit');
    try {
      const planner = new ActionPlanner(
        llm({
          LLM_MODEL: 'anthropic/claude-sonnet-4-5',
          ANTHROPIC_API_KEY: 'sk-ant-unit',
          ANTHROPIC_BASE_URL: fake.baseUrl,
        }),
      );
      const request = { model: 'anthropic/claude-sonnet-4-5', instructions: 'be brief', history: [], tools: [] };
      fake.push({ status: 429, error: 'rate limited', headers: { 'retry-after': '2' } });
      const limited = await planner.plan(request).catch((err: unknown) => err);
      expect(limited).toBeInstanceOf(ApplicationFailure);
      expect(limited).toMatchObject({ type: 'ModelRateLimited', nonRetryable: false, nextRetryDelay: 2000 });
      expect(fake.bodies.at(-1)!.model).toBe('claude-sonnet-4-5');

      fake.acceptedKey = 'another';
      const refused = await planner.plan(request).catch((err: unknown) => err);
      expect(refused).toMatchObject({
        type: 'ModelAuthRejected',
        nonRetryable: true,
        message: 'Anthropic rejected the API key (401: invalid x-api-key); check ANTHROPIC_API_KEY',
      });
    } finally {
      await fake.close();
    }
  });

  it('refuses a conversation whose provider this worker has no key for, naming the variable', async () => {
    const planner = new ActionPlanner(llm({}));
    const failure = await planner
      .plan({ model: 'gemini/gemini-2.0-flash', instructions: '', history: [], tools: [] })
      .catch((err: unknown) => err);
    expect(failure).toMatchObject({ type: 'ModelNotConfigured', nonRetryable: true });
    expect((failure as Error).message).toMatch(/needs GEMINI_API_KEY \(or GOOGLE_API_KEY\)/);
  });
});
