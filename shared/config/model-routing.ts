/**
 * Which provider serves a model name, LiteLLM-style: `provider/model`, or a bare name by its family (`gpt-…`,
 * `claude-…`, `gemini-…`). Pure: the config checks LLM_MODEL with it at start, and the worker routes each
 * conversation's recorded model with it, so a conversation keeps its provider across restarts.
 */

export type ModelProviderId = 'openai' | 'openai-compatible' | 'anthropic' | 'gemini' | 'ollama';

/** What the environment configures for each provider (keys stay in the worker process). */
export interface ModelEndpoints {
  /** OPENAI_BASE_URL set: the OpenAI-compatible endpoint (LiteLLM, vLLM, …) stands in for OpenAI. */
  openai: { apiKey?: string; baseUrl?: string; api: 'responses' | 'chat_completions' };
  anthropic: { apiKey?: string; baseUrl: string };
  gemini: { apiKey?: string; baseUrl: string };
  ollama: { baseUrl: string };
}

export const DEFAULT_BASE_URLS = {
  anthropic: 'https://api.anthropic.com/v1/',
  gemini: 'https://generativelanguage.googleapis.com/v1beta/openai/',
  ollama: 'http://127.0.0.1:11434/v1',
} as const;

/** One model name, resolved: where to send it, under which name, with which key. */
export interface ModelRoute {
  provider: ModelProviderId;
  /** The name as the provider knows it (the `provider/` prefix stripped). */
  model: string;
  baseUrl?: string;
  apiKey?: string;
  api: 'responses' | 'chat_completions';
}

export const PROVIDER_LABELS: Record<ModelProviderId, string> = {
  openai: 'OpenAI',
  'openai-compatible': 'OpenAI-compatible endpoint',
  anthropic: 'Anthropic',
  gemini: 'Google Gemini',
  ollama: 'Ollama',
};

/** The key variable(s) a provider needs, for one-line errors. */
export const KEY_VARIABLES: Record<ModelProviderId, string> = {
  openai: 'OPENAI_API_KEY or OPENAI_BASE_URL',
  'openai-compatible': 'OPENAI_BASE_URL',
  anthropic: 'ANTHROPIC_API_KEY',
  gemini: 'GEMINI_API_KEY (or GOOGLE_API_KEY)',
  ollama: 'OLLAMA_BASE_URL',
};

const PREFIXES = ['openai', 'anthropic', 'gemini', 'ollama'] as const;
type Prefix = (typeof PREFIXES)[number];

/** A model name this configuration cannot serve; the message is one line, naming what to set. */
export class ModelRouteError extends Error {}

function family(name: string): Prefix | undefined {
  if (/^(gpt-|chatgpt-|o\d)/.test(name)) return 'openai';
  if (name.startsWith('claude-')) return 'anthropic';
  if (name.startsWith('gemini-')) return 'gemini';
  return undefined;
}

function compatible(name: string, e: ModelEndpoints): ModelRoute {
  return {
    provider: 'openai-compatible',
    model: name,
    baseUrl: e.openai.baseUrl,
    apiKey: e.openai.apiKey,
    api: e.openai.api,
  };
}

function direct(provider: Prefix, model: string, e: ModelEndpoints, asked: string): ModelRoute {
  const fail = () =>
    new ModelRouteError(`${asked} needs ${KEY_VARIABLES[provider]}; use LLM_MODEL=offline for the offline planner`);
  switch (provider) {
    case 'openai':
      if (e.openai.baseUrl) return { ...compatible(model, e), provider: 'openai-compatible' };
      if (!e.openai.apiKey) throw fail();
      return { provider: 'openai', model, apiKey: e.openai.apiKey, api: e.openai.api };
    case 'anthropic':
      if (!e.anthropic.apiKey) throw fail();
      return { provider, model, baseUrl: e.anthropic.baseUrl, apiKey: e.anthropic.apiKey, api: 'chat_completions' };
    case 'gemini':
      if (!e.gemini.apiKey) throw fail();
      return { provider, model, baseUrl: e.gemini.baseUrl, apiKey: e.gemini.apiKey, api: 'chat_completions' };
    case 'ollama':
      return { provider, model, baseUrl: e.ollama.baseUrl, api: 'chat_completions' };
  }
}

/**
 * `openai/`, `anthropic/`, `gemini/`, `ollama/` name the provider outright (and are stripped). A bare `gpt-…`/`o1…`,
 * `claude-…` or `gemini-…` goes to its provider when that provider has a key; otherwise, and for any other name,
 * to OPENAI_BASE_URL when set (a LiteLLM proxy serves `claude-…` too, and vLLM names such as `meta-llama/…` have
 * slashes), or to OpenAI with OPENAI_API_KEY.
 */
export function routeModel(name: string, e: ModelEndpoints): ModelRoute {
  const slash = name.indexOf('/');
  if (slash > 0) {
    const prefix = name.slice(0, slash);
    const rest = name.slice(slash + 1);
    if ((PREFIXES as readonly string[]).includes(prefix)) {
      if (!rest) throw new ModelRouteError(`${name} names no model after ${prefix}/`);
      return direct(prefix as Prefix, rest, e, name);
    }
    if (e.openai.baseUrl) return compatible(name, e);
    throw new ModelRouteError(
      `${name}: unknown provider ${JSON.stringify(prefix)}; known: ${PREFIXES.map((p) => `${p}/…`).join(', ')} ` +
        '(or set OPENAI_BASE_URL for any OpenAI-compatible endpoint)',
    );
  }
  const fam = family(name);
  if (fam === 'anthropic' && e.anthropic.apiKey) return direct(fam, name, e, name);
  if (fam === 'gemini' && e.gemini.apiKey) return direct(fam, name, e, name);
  if (e.openai.baseUrl) return compatible(name, e);
  if (fam && fam !== 'openai') return direct(fam, name, e, name); // throws: names the key to set
  return direct('openai', name, e, name);
}
