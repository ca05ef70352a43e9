/**
 * The orchestrator (the agent's worker and the chat): its task queue, the MCP servers it calls, the model, the
 * conversation's context and the weather tool. Only these two processes read the LLM settings.
 */
import { z } from 'zod';
import { ConfigError, optionalString, visibleAscii, WEEK_MS, YEAR_MS, type Env } from './env';
import { nexusEndpointVariables, type NexusEndpointNames } from './nexus';
import { DEFAULT_BASE_URLS, ModelRouteError, PROVIDER_LABELS, routeModel, type ModelEndpoints } from './model-routing';
import { defineSection } from './section';

/**
 * Which model new conversations use (`kind` is its provider: the offline planner, OpenAI, an OpenAI-compatible
 * endpoint, Anthropic, Gemini or Ollama), and `endpoints`: every provider the environment configures, so the worker
 * can serve a conversation recorded with another model. Without `endpoints` (tests), they follow from `kind`.
 */
export type LlmConfig = (
  | { kind: 'offline'; model: 'offline' }
  | { kind: 'openai'; model: string; apiKey: string; api: 'responses' | 'chat_completions' }
  | {
      kind: 'openai-compatible';
      model: string;
      baseUrl: string;
      apiKey?: string;
      api: 'responses' | 'chat_completions';
    }
  | { kind: 'anthropic' | 'gemini' | 'ollama'; model: string; baseUrl: string; apiKey?: string }
) & { endpoints?: ModelEndpoints };

/** The providers `llm` configures: its `endpoints`, or what its own fields say (defaults for the rest). */
export function llmEndpoints(llm: LlmConfig): ModelEndpoints {
  if (llm.endpoints) return llm.endpoints;
  const e: ModelEndpoints = {
    openai: { api: 'responses' },
    anthropic: { baseUrl: DEFAULT_BASE_URLS.anthropic },
    gemini: { baseUrl: DEFAULT_BASE_URLS.gemini },
    ollama: { baseUrl: DEFAULT_BASE_URLS.ollama },
  };
  switch (llm.kind) {
    case 'openai':
      e.openai = { apiKey: llm.apiKey, api: llm.api };
      break;
    case 'openai-compatible':
      e.openai = { apiKey: llm.apiKey, baseUrl: llm.baseUrl, api: llm.api };
      break;
    case 'anthropic':
    case 'gemini':
      e[llm.kind] = { apiKey: llm.apiKey, baseUrl: llm.baseUrl };
      break;
    case 'ollama':
      e.ollama = { baseUrl: llm.baseUrl };
      break;
  }
  return e;
}

/** Which agent loop runs new conversations: the OpenAI Agents SDK's runner, or the explicit plan → tool → plan loop. */
export type AgentLoop = 'agents-sdk' | 'manual';

export interface OrchestratorConfig {
  taskQueue: string;
  agentLoop: AgentLoop;
  /** How new conversations reach the remote tools: MCP over HTTP, or Nexus operations on the domains' endpoints. */
  toolTransport: 'mcp' | 'nexus';
  nexusEndpoints: NexusEndpointNames;
  /** MCP servers the agent reaches over streamable HTTP, by the name workflows use. */
  mcpServers: { finance: string; it: string };
  /** The orchestrator's own bearer token for the MCP servers (never a user's); stays in the worker process. */
  mcpToken?: string;
  /** Who is chatting: recorded with the conversation and passed to the tools as the user on whose behalf it acts. */
  chatUser: string;
  /** One MCP call activity: its start-to-close timeout and attempts before the model hears of the failure. */
  mcpCallTimeoutMs: number;
  mcpCallMaxAttempts: number;
  llm: LlmConfig;
  modelTimeoutMs: number;
  context: { strategy: 'window' | 'summary'; maxTurns: number; maxTokens: number };
  idleTimeoutMs: number;
  /** How long a tool call waits for the chat user's approval before it is rejected by itself. */
  approvalExpiryMs: number;
  weather: { provider: 'sample' | 'open-meteo'; baseUrl: string; geocodingUrl: string; timeoutMs: number };
}

const llmVariables = {
  LLM_MODEL: optionalString,
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: z.url().optional(),
  OPENAI_API: z.enum(['responses', 'chat_completions']).optional(),
  ANTHROPIC_API_KEY: optionalString,
  ANTHROPIC_BASE_URL: z.url().default(DEFAULT_BASE_URLS.anthropic),
  GEMINI_API_KEY: optionalString,
  GOOGLE_API_KEY: optionalString,
  GEMINI_BASE_URL: z.url().default(DEFAULT_BASE_URLS.gemini),
  OLLAMA_BASE_URL: z.url().default(DEFAULT_BASE_URLS.ollama),
};

/** "claude-3-5-sonnet-20241022 via Anthropic", for the chat's banner and the launcher's summary. */
export function describeModel(llm: LlmConfig): string {
  if (llm.kind === 'offline') return 'the offline planner';
  const route = routeModel(llm.model, llmEndpoints(llm));
  if (route.provider === 'anthropic' || route.provider === 'gemini' || route.provider === 'ollama')
    return `${route.model} via ${PROVIDER_LABELS[route.provider]} (${route.baseUrl})`;
  const api = route.api === 'responses' ? 'Responses API' : 'Chat Completions';
  return route.provider === 'openai'
    ? `${route.model} via OpenAI, ${api}`
    : `${route.model} via the OpenAI-compatible endpoint ${route.baseUrl}, ${api}`;
}

/**
 * LLM_MODEL=offline, or no LLM_MODEL and no OPENAI_API_KEY: the offline planner. Otherwise LLM_MODEL picks its
 * provider (model-routing.ts): `anthropic/…`/`claude-…`, `gemini/…`, `ollama/…`, `openai/…`/`gpt-…`; OPENAI_BASE_URL:
 * any OpenAI-compatible endpoint, Chat Completions by default. OPENAI_API_KEY alone: OpenAI, Responses API by default.
 */
function resolveLlm(c: z.output<z.ZodObject<typeof llmVariables>>): LlmConfig {
  const endpoints: ModelEndpoints = {
    openai: {
      apiKey: c.OPENAI_API_KEY,
      baseUrl: c.OPENAI_BASE_URL,
      api: c.OPENAI_API ?? (c.OPENAI_BASE_URL ? 'chat_completions' : 'responses'),
    },
    anthropic: { apiKey: c.ANTHROPIC_API_KEY, baseUrl: c.ANTHROPIC_BASE_URL },
    gemini: { apiKey: c.GEMINI_API_KEY ?? c.GOOGLE_API_KEY, baseUrl: c.GEMINI_BASE_URL },
    ollama: { baseUrl: c.OLLAMA_BASE_URL },
  };
  if (c.LLM_MODEL === 'offline') return { kind: 'offline', model: 'offline', endpoints };
  if (!c.LLM_MODEL && c.OPENAI_BASE_URL)
    throw new ConfigError([
      'LLM_MODEL: required with OPENAI_BASE_URL (the model name the endpoint serves, e.g. llama3.1)',
    ]);
  const model = c.LLM_MODEL ?? (c.OPENAI_API_KEY ? 'gpt-4o-mini' : undefined);
  if (!model) return { kind: 'offline', model: 'offline', endpoints };
  let route;
  try {
    route = routeModel(model, endpoints);
  } catch (err) {
    if (err instanceof ModelRouteError) throw new ConfigError([`LLM_MODEL: ${err.message}`]);
    throw err;
  }
  switch (route.provider) {
    case 'openai':
      return { kind: 'openai', model, apiKey: route.apiKey!, api: route.api, endpoints };
    case 'openai-compatible':
      return {
        kind: 'openai-compatible',
        model,
        baseUrl: route.baseUrl!,
        apiKey: route.apiKey,
        api: route.api,
        endpoints,
      };
    default:
      return { kind: route.provider, model, baseUrl: route.baseUrl!, apiKey: route.apiKey, endpoints };
  }
}

export const orchestratorSection = defineSection(
  {
    ORCHESTRATOR_TASK_QUEUE: z.string().min(1).default('orchestrator'),
    AGENT_LOOP: z.enum(['agents-sdk', 'manual']).default('agents-sdk'),
    TOOL_TRANSPORT: z.enum(['mcp', 'nexus']).default('mcp'),
    ...nexusEndpointVariables,
    FINANCE_MCP_URL: z.url().default('http://127.0.0.1:8001/mcp'),
    IT_MCP_URL: z.url().default('http://127.0.0.1:8002/mcp'),
    MCP_CALL_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
    ORCHESTRATOR_MCP_TOKEN: optionalString,
    CHAT_USER: visibleAscii.optional(),
    MCP_CALL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
    ...llmVariables,
    MODEL_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(60_000),
    CONTEXT_STRATEGY: z.enum(['window', 'summary']).default('window'),
    CONTEXT_MAX_TURNS: z.coerce.number().int().min(1).max(1000).default(20),
    // At 4 characters a token, 200,000 tokens of memory is 800 KB of conversation state: with the transcript's own
    // cap (400,000 characters) it stays well inside Temporal's 2 MB payload limit across continue-as-new.
    CONTEXT_MAX_TOKENS: z.coerce.number().int().min(500).max(200_000).default(16_000),
    CONVERSATION_IDLE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(YEAR_MS).default(WEEK_MS),
    CONVERSATION_APPROVAL_EXPIRY_MS: z.coerce.number().int().min(1000).max(YEAR_MS).default(86_400_000),
    WEATHER_PROVIDER: z.enum(['sample', 'open-meteo']).default('sample'),
    WEATHER_BASE_URL: z.url().default('https://api.open-meteo.com'),
    WEATHER_GEOCODING_URL: z.url().default('https://geocoding-api.open-meteo.com'),
    WEATHER_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(5000),
  },
  (c, env: Env): OrchestratorConfig => ({
    taskQueue: c.ORCHESTRATOR_TASK_QUEUE,
    agentLoop: c.AGENT_LOOP,
    toolTransport: c.TOOL_TRANSPORT,
    nexusEndpoints: { finance: c.FINANCE_NEXUS_ENDPOINT, it: c.IT_NEXUS_ENDPOINT },
    mcpServers: { finance: c.FINANCE_MCP_URL, it: c.IT_MCP_URL },
    mcpToken: c.ORCHESTRATOR_MCP_TOKEN,
    chatUser: c.CHAT_USER ?? (env.USER || env.USERNAME || 'local-user'),
    mcpCallTimeoutMs: c.MCP_CALL_TIMEOUT_MS,
    mcpCallMaxAttempts: c.MCP_CALL_MAX_ATTEMPTS,
    llm: resolveLlm(c),
    modelTimeoutMs: c.MODEL_TIMEOUT_MS,
    context: { strategy: c.CONTEXT_STRATEGY, maxTurns: c.CONTEXT_MAX_TURNS, maxTokens: c.CONTEXT_MAX_TOKENS },
    idleTimeoutMs: c.CONVERSATION_IDLE_TIMEOUT_MS,
    approvalExpiryMs: c.CONVERSATION_APPROVAL_EXPIRY_MS,
    weather: {
      provider: c.WEATHER_PROVIDER,
      baseUrl: c.WEATHER_BASE_URL,
      geocodingUrl: c.WEATHER_GEOCODING_URL,
      timeoutMs: c.WEATHER_TIMEOUT_MS,
    },
  }),
);
