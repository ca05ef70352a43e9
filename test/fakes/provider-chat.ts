/**
 * Scripted fakes of the providers' own OpenAI-compatible Chat Completions endpoints, each on its documented path,
 * checking the auth header that provider takes and answering errors in that provider's error envelope:
 * - Anthropic: base https://api.anthropic.com/v1/ (POST /v1/chat/completions), the key as `Authorization: Bearer`,
 *   errors `{ type: "error", error: { type, message } }` (529 overloaded_error among them);
 * - Gemini: base …/v1beta/openai/ (POST /v1beta/openai/chat/completions), `Authorization: Bearer`, Google's
 *   `{ error: { code, message, status } }`, a bad key answered 400 "API key not valid" as the Gemini API does;
 * - Ollama: base http://127.0.0.1:11434/v1 (POST /v1/chat/completions), no key, OpenAI-style errors.
 */
import type { ChatEndpointOptions } from './openai-chat';
import { startScriptedChatCompletions, type ScriptedChatCompletions } from './scripted-chat-completions';

export type FakeProvider = 'anthropic' | 'gemini' | 'ollama';

const ANTHROPIC_ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};
const GOOGLE_STATUSES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

const WIRE: Record<FakeProvider, { base: string; path: string; errorBody: ChatEndpointOptions['errorBody'] }> = {
  anthropic: {
    base: '/v1/',
    path: '/v1/chat/completions',
    errorBody: (status, message) => ({
      type: 'error',
      error: { type: ANTHROPIC_ERROR_TYPES[status] ?? 'api_error', message },
    }),
  },
  gemini: {
    base: '/v1beta/openai/',
    path: '/v1beta/openai/chat/completions',
    errorBody: (status, message) => ({
      error: { code: status, message, status: GOOGLE_STATUSES[status] ?? 'UNKNOWN' },
    }),
  },
  ollama: {
    base: '/v1',
    path: '/v1/chat/completions',
    errorBody: (_status, message) => ({ error: { message, type: 'api_error', param: null, code: null } }),
  },
};

export interface ProviderFake extends ScriptedChatCompletions {
  provider: FakeProvider;
  /** What to set ANTHROPIC_BASE_URL / GEMINI_BASE_URL / OLLAMA_BASE_URL to. */
  baseUrl: string;
  /** The key the fake accepts (none for Ollama); change it to make the worker's key a bad one. */
  acceptedKey?: string;
}

export async function startProviderFake(provider: FakeProvider, apiKey?: string): Promise<ProviderFake> {
  const wire = WIRE[provider];
  const state: { acceptedKey?: string } = { acceptedKey: apiKey };
  const fake = await startScriptedChatCompletions({
    path: wire.path,
    errorBody: wire.errorBody,
    check: (headers) => {
      if (provider === 'ollama' || headers.authorization === `Bearer ${state.acceptedKey}`) return undefined;
      return provider === 'gemini'
        ? { status: 400, error: 'API key not valid. Please pass a valid API key.' }
        : { status: 401, error: 'invalid x-api-key' };
    },
  });
  return Object.defineProperties(Object.assign(fake, { provider, baseUrl: `${fake.url}${wire.base}` }), {
    acceptedKey: {
      get: () => state.acceptedKey,
      set: (key: string | undefined) => void (state.acceptedKey = key),
      enumerable: true,
    },
  }) as ProviderFake;
}
