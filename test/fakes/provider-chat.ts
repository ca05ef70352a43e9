/**
 * Scripted fakes of the providers' own OpenAI-compatible Chat Completions endpoints, each on its documented path,
 * checking the auth header that provider takes and answering errors in that provider's error envelope:
 * - Anthropic: base https://api.anthropic.com/v1/ (POST /v1/chat/completions), the key as `Authorization: Bearer`,
 *   errors `{ type: "error", error: { type, message } }` (529 overloaded_error among them);
 * - Gemini: base …/v1beta/openai/ (POST /v1beta/openai/chat/completions), `Authorization: Bearer`, Google's
 *   `{ error: { code, message, status } }`, a bad key answered 400 "API key not valid" as the Gemini API does;
 * - Ollama: base http://127.0.0.1:11434/v1 (POST /v1/chat/completions), no key, OpenAI-style errors (its
 *   `openai.NewError`: 400 invalid_request_error, 404 not_found_error, else api_error).
 * A request over `contextTokens` (its body's characters / 4, the fake's tokenizer) is answered as that provider
 * answers a prompt too long for the model: Anthropic 400 "prompt is too long: N tokens > M maximum", Gemini 400
 * INVALID_ARGUMENT "The input token count (N) exceeds the maximum number of tokens allowed (M).", Ollama (a model whose
 * template leaves the overflow to llama.cpp's server, or `truncate: false`) 400 "request (N tokens) exceeds the
 * available context size (M tokens), try increasing it".
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

interface Wire {
  base: string;
  path: string;
  errorBody: ChatEndpointOptions['errorBody'];
  tooLong: (tokens: number, max: number) => string;
}

const WIRE: Record<FakeProvider, Wire> = {
  anthropic: {
    base: '/v1/',
    path: '/v1/chat/completions',
    errorBody: (status, message) => ({
      type: 'error',
      error: { type: ANTHROPIC_ERROR_TYPES[status] ?? 'api_error', message },
    }),
    tooLong: (tokens, max) => `prompt is too long: ${tokens} tokens > ${max} maximum`,
  },
  gemini: {
    base: '/v1beta/openai/',
    path: '/v1beta/openai/chat/completions',
    errorBody: (status, message) => ({
      error: { code: status, message, status: GOOGLE_STATUSES[status] ?? 'UNKNOWN' },
    }),
    tooLong: (tokens, max) =>
      `The input token count (${tokens}) exceeds the maximum number of tokens allowed (${max}).`,
  },
  ollama: {
    base: '/v1',
    path: '/v1/chat/completions',
    errorBody: (status, message) => ({
      error: {
        message,
        type: status === 400 ? 'invalid_request_error' : status === 404 ? 'not_found_error' : 'api_error',
        param: null,
        code: null,
      },
    }),
    tooLong: (tokens, max) =>
      `request (${tokens} tokens) exceeds the available context size (${max} tokens), try increasing it`,
  },
};

export interface ProviderFake extends ScriptedChatCompletions {
  provider: FakeProvider;
  /** What to set ANTHROPIC_BASE_URL / GEMINI_BASE_URL / OLLAMA_BASE_URL to. */
  baseUrl: string;
  /** The key the fake accepts (none for Ollama); change it to make the worker's key a bad one. */
  acceptedKey?: string;
  /** The model's context size: a longer request is refused as this provider refuses it (unset: no limit). */
  contextTokens?: number;
}

/** The fake's tokenizer: about four characters a token, as providers' rules of thumb go. */
export const requestTokens = (raw: string): number => Math.ceil(raw.length / 4);

export async function startProviderFake(provider: FakeProvider, apiKey?: string): Promise<ProviderFake> {
  const wire = WIRE[provider];
  const state: { acceptedKey?: string; contextTokens?: number } = { acceptedKey: apiKey };
  const fake = await startScriptedChatCompletions({
    path: wire.path,
    errorBody: wire.errorBody,
    refuse: (_body, raw) => {
      const tokens = requestTokens(raw);
      const max = state.contextTokens;
      return max !== undefined && tokens > max ? { status: 400, error: wire.tooLong(tokens, max) } : undefined;
    },
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
    contextTokens: {
      get: () => state.contextTokens,
      set: (tokens: number | undefined) => void (state.contextTokens = tokens),
      enumerable: true,
    },
  }) as ProviderFake;
}
