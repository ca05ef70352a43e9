/**
 * The one place the environment is read. Each process calls `loadConfig()` once at its edge and passes the typed
 * result down; nothing below reads `process.env`.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** Repository root, resolved from this file so processes spawned from any cwd (desktop clients) find their files. */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const port = z.coerce.number().int().min(1).max(65535);
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const hostPort = z.string().regex(/^[^\s:/]+:\d{1,5}$/, 'expected host:port, for example 127.0.0.1:7233');

/** Every variable, its default and its check. `.env.example` documents each one. */
export const configSchema = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  TEMPORAL_ADDRESS: hostPort.default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_FINANCE_NAMESPACE: z.string().min(1).default('finance-namespace'),
  TEMPORAL_IT_NAMESPACE: z.string().min(1).default('it-namespace'),
  TEMPORAL_API_KEY: optionalString,
  TEMPORAL_TLS: flag.optional(),
  TEMPORAL_TLS_CERT_PATH: optionalString,
  TEMPORAL_TLS_KEY_PATH: optionalString,
  TEMPORAL_TLS_CA_PATH: optionalString,
  TEMPORAL_TLS_SERVER_NAME: optionalString,

  TEMPORAL_CLI: optionalString,
  TEMPORAL_CLI_CACHE_DIR: optionalString,
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_DATA_DIR: optionalString,

  MCP_HOST: z.string().min(1).default('127.0.0.1'),
  FINANCE_MCP_PORT: port.default(8001),
  IT_MCP_PORT: port.default(8002),
  MCP_ALLOWED_ORIGINS: optionalString,
  MCP_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
  MCP_TOOL_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  MCP_AUTH_TOKENS: optionalString,
  MCP_AUTH_JWT_ISSUER: z.url().optional(),
  MCP_AUTH_JWT_AUDIENCE: optionalString,
  MCP_AUTH_JWKS_URL: z.url().optional(),
  MCP_AUTH_JWT_PUBLIC_KEY_FILE: optionalString,
  FINANCE_MCP_PUBLIC_URL: z.url().optional(),
  IT_MCP_PUBLIC_URL: z.url().optional(),

  FINANCE_TASK_QUEUE: z.string().min(1).default('finance-tools'),
  QUOTE_PROVIDER: z.enum(['sample', 'alphavantage']).default('sample'),
  ALPHAVANTAGE_API_KEY: optionalString,
  ALPHAVANTAGE_BASE_URL: z.url().default('https://www.alphavantage.co'),
  QUOTE_TIMEOUT_MS: z.coerce.number().int().min(50).max(120_000).default(5000),

  IT_TASK_QUEUE: z.string().min(1).default('it-tools'),
  IT_SESSION_ID: z.string().regex(/^[\x21-\x7e]{1,128}$/, 'expected 1 to 128 visible ASCII characters').optional(),
  IT_SESSION_IDLE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(365 * 24 * 3600 * 1000).default(7 * 24 * 3600 * 1000),
  JIRA_PROVIDER: z.enum(['sample', 'cloud']).default('sample'),
  JIRA_BASE_URL: z.url().optional(),
  JIRA_EMAIL: optionalString,
  JIRA_API_TOKEN: optionalString,
  JIRA_TIMEOUT_MS: z.coerce.number().int().min(50).max(120_000).default(10_000),
  IP_LOOKUP_URL: z.url().optional(),
  IP_LOOKUP_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(3000),

  ORCHESTRATOR_TASK_QUEUE: z.string().min(1).default('orchestrator'),
  FINANCE_MCP_URL: z.url().default('http://127.0.0.1:8001/mcp'),
  IT_MCP_URL: z.url().default('http://127.0.0.1:8002/mcp'),
  MCP_CALL_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  ORCHESTRATOR_MCP_TOKEN: optionalString,
  CHAT_USER: z.string().regex(/^[\x21-\x7e]{1,128}$/, 'expected 1 to 128 visible ASCII characters').optional(),
  MCP_CALL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  LLM_MODEL: optionalString,
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: z.url().optional(),
  OPENAI_API: z.enum(['responses', 'chat_completions']).optional(),
  MODEL_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(60_000),
  CONTEXT_STRATEGY: z.enum(['window', 'summary']).default('window'),
  CONTEXT_MAX_TURNS: z.coerce.number().int().min(1).max(1000).default(20),
  CONTEXT_MAX_TOKENS: z.coerce.number().int().min(500).max(2_000_000).default(16_000),
  CONVERSATION_IDLE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(365 * 24 * 3600 * 1000).default(7 * 24 * 3600 * 1000),
  WEATHER_PROVIDER: z.enum(['sample', 'open-meteo']).default('sample'),
  WEATHER_BASE_URL: z.url().default('https://api.open-meteo.com'),
  WEATHER_GEOCODING_URL: z.url().default('https://geocoding-api.open-meteo.com'),
  WEATHER_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(5000),
  TEMPORAL_UI_URL: z.url().optional(),
});

type RawConfig = z.infer<typeof configSchema>;

export interface TemporalConfig {
  address: string;
  namespaces: { orchestrator: string; finance: string; it: string };
  apiKey?: string;
  /** undefined: plain TCP; otherwise TLS (server-verified, optionally with an mTLS client pair). */
  tls?: { clientCertPath?: string; clientKeyPath?: string; serverCaPath?: string; serverName?: string };
}

export interface DevServerSettings {
  cliPath?: string;
  cliCacheDir: string;
  uiPort: number;
  dataDir: string;
}

export interface StaticToken {
  subject: string;
  token: string;
  scopes: string[];
}

export interface McpAuthConfig {
  staticTokens: StaticToken[];
  jwt?: { issuer: string; audience?: string; jwksUrl?: string; publicKeyFile?: string };
}

export interface McpHttpConfig {
  host: string;
  financePort: number;
  itPort: number;
  /** Origins allowed besides loopback ones; a request with any other Origin gets 403. */
  allowedOrigins: string[];
  maxBodyBytes: number;
  /** How long a tool call waits for its workflow before answering with a tool error. */
  toolTimeoutMs: number;
  /** Bearer auth on /mcp; undefined: none (only allowed on loopback). */
  auth?: McpAuthConfig;
  /** The URLs clients use (the resource in Protected Resource Metadata); default http://host:port/mcp. */
  publicUrls: { finance?: string; it?: string };
}

export interface FinanceConfig {
  taskQueue: string;
  quoteProvider: RawConfig['QUOTE_PROVIDER'];
  alphaVantage: { apiKey: string; baseUrl: string };
  quoteTimeoutMs: number;
}

export interface ItConfig {
  taskQueue: string;
  /** stdio: the one session this process serves; unset means a fresh one per process. */
  stdioSessionId?: string;
  sessionIdleTimeoutMs: number;
  jiraProvider: RawConfig['JIRA_PROVIDER'];
  jiraCloud: { baseUrl: string; email: string; apiToken: string };
  jiraTimeoutMs: number;
  /** Public-IP service (ipify's JSON or plain-text format); unset: the host's primary interface only. */
  ipLookupUrl?: string;
  ipLookupTimeoutMs: number;
}

/** Which model answers: the offline planner, OpenAI, or any OpenAI-compatible endpoint. */
export type LlmConfig =
  | { kind: 'offline'; model: 'offline' }
  | { kind: 'openai'; model: string; apiKey: string; api: 'responses' | 'chat_completions' }
  | { kind: 'openai-compatible'; model: string; baseUrl: string; apiKey?: string; api: 'responses' | 'chat_completions' };

export interface OrchestratorConfig {
  taskQueue: string;
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
  weather: { provider: 'sample' | 'open-meteo'; baseUrl: string; geocodingUrl: string; timeoutMs: number };
  temporalUiUrl: string;
}

export interface AppConfig {
  logLevel: RawConfig['LOG_LEVEL'];
  temporal: TemporalConfig;
  devServer: DevServerSettings;
  mcp: McpHttpConfig;
  finance: FinanceConfig;
  it: ItConfig;
  orchestrator: OrchestratorConfig;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** One line per problem, each naming the variable: `FINANCE_MCP_PORT: Too big: expected number to be <=65535`. */
function describeIssues(error: z.ZodError, env: Record<string, string | undefined>): string {
  return error.issues
    .map((issue) => {
      const name = String(issue.path[0] ?? '(environment)');
      const got = env[name];
      const secret = /KEY|TOKEN|SECRET/.test(name);
      return `${name}: ${issue.message}${got === undefined ? '' : ` (got ${JSON.stringify(secret ? '***' : got)})`}`;
    })
    .join('; ');
}

/** Loads `<repo>/.env` (or ENV_FILE) into `env` without overriding variables already set. */
export function loadEnvFile(): void {
  const file = process.env.ENV_FILE ?? path.join(projectRoot, '.env');
  if (existsSync(file)) process.loadEnvFile(file);
}

export function parseConfig(env: Record<string, string | undefined>): AppConfig {
  // An empty value (`TEMPORAL_TLS=` as in .env.example) means "use the default", like an unset one.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) throw new ConfigError(`Invalid configuration: ${describeIssues(parsed.error, env)}`);
  const c = parsed.data;

  const anyTlsFile = c.TEMPORAL_TLS_CERT_PATH ?? c.TEMPORAL_TLS_KEY_PATH ?? c.TEMPORAL_TLS_CA_PATH;
  // TLS defaults on when something only a secured cluster needs is configured (API key, certificates).
  const tlsOn = c.TEMPORAL_TLS ?? Boolean(c.TEMPORAL_API_KEY ?? anyTlsFile);
  if (Boolean(c.TEMPORAL_TLS_CERT_PATH) !== Boolean(c.TEMPORAL_TLS_KEY_PATH)) {
    throw new ConfigError(
      'Invalid configuration: TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH: set both for mTLS, or neither',
    );
  }
  if (!tlsOn && anyTlsFile) {
    throw new ConfigError('Invalid configuration: TEMPORAL_TLS: is false but TLS certificate paths are set');
  }

  if (c.QUOTE_PROVIDER === 'alphavantage' && !c.ALPHAVANTAGE_API_KEY) {
    throw new ConfigError('Invalid configuration: ALPHAVANTAGE_API_KEY: required when QUOTE_PROVIDER=alphavantage');
  }

  if (c.JIRA_PROVIDER === 'cloud') {
    for (const name of ['JIRA_BASE_URL', 'JIRA_EMAIL', 'JIRA_API_TOKEN'] as const) {
      if (!c[name]) throw new ConfigError(`Invalid configuration: ${name}: required when JIRA_PROVIDER=cloud`);
    }
  }

  const llm = resolveLlm(c);

  return {
    logLevel: c.LOG_LEVEL,
    temporal: {
      address: c.TEMPORAL_ADDRESS,
      namespaces: { orchestrator: c.TEMPORAL_NAMESPACE, finance: c.TEMPORAL_FINANCE_NAMESPACE, it: c.TEMPORAL_IT_NAMESPACE },
      apiKey: c.TEMPORAL_API_KEY,
      tls: tlsOn
        ? {
            clientCertPath: c.TEMPORAL_TLS_CERT_PATH,
            clientKeyPath: c.TEMPORAL_TLS_KEY_PATH,
            serverCaPath: c.TEMPORAL_TLS_CA_PATH,
            serverName: c.TEMPORAL_TLS_SERVER_NAME,
          }
        : undefined,
    },
    devServer: {
      cliPath: c.TEMPORAL_CLI,
      cliCacheDir:
        c.TEMPORAL_CLI_CACHE_DIR ??
        path.join(env.XDG_CACHE_HOME || path.join(env.HOME || homedir(), '.cache'), 'durable-mcp-agents', 'temporal-cli'),
      uiPort: c.TEMPORAL_UI_PORT,
      dataDir: path.resolve(projectRoot, c.TEMPORAL_DATA_DIR ?? 'data'),
    },
    mcp: {
      host: c.MCP_HOST,
      financePort: c.FINANCE_MCP_PORT,
      itPort: c.IT_MCP_PORT,
      allowedOrigins: (c.MCP_ALLOWED_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean),
      maxBodyBytes: c.MCP_MAX_BODY_BYTES,
      toolTimeoutMs: c.MCP_TOOL_TIMEOUT_MS,
      auth: parseMcpAuth(c),
      publicUrls: { finance: c.FINANCE_MCP_PUBLIC_URL, it: c.IT_MCP_PUBLIC_URL },
    },
    finance: {
      taskQueue: c.FINANCE_TASK_QUEUE,
      quoteProvider: c.QUOTE_PROVIDER,
      alphaVantage: { apiKey: c.ALPHAVANTAGE_API_KEY ?? '', baseUrl: c.ALPHAVANTAGE_BASE_URL },
      quoteTimeoutMs: c.QUOTE_TIMEOUT_MS,
    },
    it: {
      taskQueue: c.IT_TASK_QUEUE,
      stdioSessionId: c.IT_SESSION_ID,
      sessionIdleTimeoutMs: c.IT_SESSION_IDLE_TIMEOUT_MS,
      jiraProvider: c.JIRA_PROVIDER,
      jiraCloud: { baseUrl: c.JIRA_BASE_URL ?? '', email: c.JIRA_EMAIL ?? '', apiToken: c.JIRA_API_TOKEN ?? '' },
      jiraTimeoutMs: c.JIRA_TIMEOUT_MS,
      ipLookupUrl: c.IP_LOOKUP_URL,
      ipLookupTimeoutMs: c.IP_LOOKUP_TIMEOUT_MS,
    },
    orchestrator: {
      taskQueue: c.ORCHESTRATOR_TASK_QUEUE,
      mcpServers: { finance: c.FINANCE_MCP_URL, it: c.IT_MCP_URL },
      mcpToken: c.ORCHESTRATOR_MCP_TOKEN,
      chatUser: c.CHAT_USER ?? (env.USER || env.USERNAME || 'local-user'),
      mcpCallTimeoutMs: c.MCP_CALL_TIMEOUT_MS,
      mcpCallMaxAttempts: c.MCP_CALL_MAX_ATTEMPTS,
      llm,
      modelTimeoutMs: c.MODEL_TIMEOUT_MS,
      context: { strategy: c.CONTEXT_STRATEGY, maxTurns: c.CONTEXT_MAX_TURNS, maxTokens: c.CONTEXT_MAX_TOKENS },
      idleTimeoutMs: c.CONVERSATION_IDLE_TIMEOUT_MS,
      weather: { provider: c.WEATHER_PROVIDER, baseUrl: c.WEATHER_BASE_URL, geocodingUrl: c.WEATHER_GEOCODING_URL, timeoutMs: c.WEATHER_TIMEOUT_MS },
      temporalUiUrl: (c.TEMPORAL_UI_URL ?? `http://127.0.0.1:${c.TEMPORAL_UI_PORT}`).replace(/\/+$/, ''),
    },
  };
}

/**
 * MCP_AUTH_TOKENS is `subject:token:scope scope;subject:token:scope`, for example
 * `alice:tok_7Hq2…:tools.read tools.write;ci-bot:tok_Zp9…:tools.read`. Tokens are at least 16 visible characters.
 */
function parseMcpAuth(c: RawConfig): McpAuthConfig | undefined {
  const staticTokens: StaticToken[] = [];
  for (const entry of (c.MCP_AUTH_TOKENS ?? '').split(';').map((e) => e.trim()).filter(Boolean)) {
    const [subject, token, scopes, ...rest] = entry.split(':');
    if (!subject || !token || rest.length > 0 || !/^[\x21-\x7e]{16,}$/.test(token)) {
      throw new ConfigError(
        'Invalid configuration: MCP_AUTH_TOKENS: each entry must be subject:token:scopes with a token of at least 16 visible characters (entries separated by ;)',
      );
    }
    staticTokens.push({ subject, token, scopes: (scopes ?? '').split(' ').filter(Boolean) });
  }
  if (c.MCP_AUTH_JWT_ISSUER && !c.MCP_AUTH_JWKS_URL && !c.MCP_AUTH_JWT_PUBLIC_KEY_FILE) {
    throw new ConfigError('Invalid configuration: MCP_AUTH_JWKS_URL: set it (or MCP_AUTH_JWT_PUBLIC_KEY_FILE) with MCP_AUTH_JWT_ISSUER');
  }
  if (!c.MCP_AUTH_JWT_ISSUER && (c.MCP_AUTH_JWKS_URL || c.MCP_AUTH_JWT_PUBLIC_KEY_FILE || c.MCP_AUTH_JWT_AUDIENCE)) {
    throw new ConfigError('Invalid configuration: MCP_AUTH_JWT_ISSUER: required when JWT keys or an audience are configured');
  }
  const jwt = c.MCP_AUTH_JWT_ISSUER
    ? { issuer: c.MCP_AUTH_JWT_ISSUER, audience: c.MCP_AUTH_JWT_AUDIENCE, jwksUrl: c.MCP_AUTH_JWKS_URL, publicKeyFile: c.MCP_AUTH_JWT_PUBLIC_KEY_FILE }
    : undefined;
  return staticTokens.length || jwt ? { staticTokens, jwt } : undefined;
}

/**
 * LLM_MODEL=offline, or no OPENAI_API_KEY and no OPENAI_BASE_URL: the offline planner. OPENAI_BASE_URL: any
 * OpenAI-compatible endpoint (LiteLLM, Ollama, vLLM), Chat Completions by default since that is what they all speak.
 * OPENAI_API_KEY alone: OpenAI itself, Responses API by default.
 */
function resolveLlm(c: RawConfig): LlmConfig {
  if (c.LLM_MODEL === 'offline') return { kind: 'offline', model: 'offline' };
  if (c.OPENAI_BASE_URL) {
    if (!c.LLM_MODEL) throw new ConfigError('Invalid configuration: LLM_MODEL: required with OPENAI_BASE_URL (the model name the endpoint serves, e.g. llama3.1)');
    return { kind: 'openai-compatible', model: c.LLM_MODEL, baseUrl: c.OPENAI_BASE_URL, apiKey: c.OPENAI_API_KEY, api: c.OPENAI_API ?? 'chat_completions' };
  }
  if (c.OPENAI_API_KEY) return { kind: 'openai', model: c.LLM_MODEL ?? 'gpt-4o-mini', apiKey: c.OPENAI_API_KEY, api: c.OPENAI_API ?? 'responses' };
  if (c.LLM_MODEL) {
    throw new ConfigError(`Invalid configuration: LLM_MODEL: ${c.LLM_MODEL} needs OPENAI_API_KEY or OPENAI_BASE_URL; use LLM_MODEL=offline for the offline planner`);
  }
  return { kind: 'offline', model: 'offline' };
}

/** The process edge: `.env`, then the environment, parsed once. */
export function loadConfig(): AppConfig {
  loadEnvFile();
  return parseConfig(process.env);
}
