/**
 * The MCP servers' HTTP side: what both servers share (bind address, origins, limits, bearer auth), and what each
 * listens on. A server reads the shared part and its own port, never the other server's.
 */
import { z } from 'zod';
import { ConfigError, optionalString, port } from './env';
import { callerLimitsSection, type CallerLimits } from './limits';
import { defineSection } from './section';

export interface StaticToken {
  subject: string;
  token: string;
  scopes: string[];
}

export interface McpAuthConfig {
  staticTokens: StaticToken[];
  jwt?: { issuer: string; audience?: string; jwksUrl?: string; publicKeyFile?: string };
}

export interface McpServingConfig {
  host: string;
  /** Origins allowed besides loopback ones; a request with any other Origin gets 403. */
  allowedOrigins: string[];
  maxBodyBytes: number;
  /** How long a tool call waits for its workflow before answering with a tool error. */
  toolTimeoutMs: number;
  /** Per-caller bounds on durable work (counted in Temporal, so they hold across replicas). */
  limits: McpCallerLimits;
  /** Bearer auth on /mcp; undefined: none (only allowed on loopback). */
  auth?: McpAuthConfig;
}

/** The per-caller bounds (./limits.ts, which the tool workers read too), and the MCP-only wait bound. */
export interface McpCallerLimits extends CallerLimits {
  /** How long a long-running tool's call answered within the call may hold its request; past it the work is cancelled. */
  syncWaitMs: number;
}

/** One server's listener: its port, and the URL clients use (the resource in Protected Resource Metadata). */
export interface McpListenConfig {
  port: number;
  publicUrl?: string;
}

/** Both servers' settings, as the launcher (which starts both) sees them. */
export interface McpHttpConfig extends McpServingConfig {
  financePort: number;
  itPort: number;
  /** default http://host:port/mcp */
  publicUrls: { finance?: string; it?: string };
}

export const mcpServingSection = defineSection(
  {
    MCP_HOST: z.string().min(1).default('127.0.0.1'),
    MCP_ALLOWED_ORIGINS: optionalString,
    MCP_MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024),
    MCP_TOOL_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
    ...callerLimitsSection.variables,
    MCP_MAX_SYNC_WAIT_MS: z.coerce.number().int().min(1000).max(43_200_000).default(900_000),
    MCP_AUTH_TOKENS: optionalString,
    MCP_AUTH_JWT_ISSUER: z.url().optional(),
    MCP_AUTH_JWT_AUDIENCE: optionalString,
    MCP_AUTH_JWKS_URL: z.url().optional(),
    MCP_AUTH_JWT_PUBLIC_KEY_FILE: optionalString,
  },
  (c, env, warn): McpServingConfig => ({
    host: c.MCP_HOST,
    allowedOrigins: (c.MCP_ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    maxBodyBytes: c.MCP_MAX_BODY_BYTES,
    toolTimeoutMs: c.MCP_TOOL_TIMEOUT_MS,
    limits: { ...callerLimitsSection.parse(env, warn), syncWaitMs: c.MCP_MAX_SYNC_WAIT_MS },
    auth: parseMcpAuth(c),
  }),
);

export const financeMcpListenSection = defineSection(
  { FINANCE_MCP_PORT: port.default(8001), FINANCE_MCP_PUBLIC_URL: z.url().optional() },
  (c): McpListenConfig => ({ port: c.FINANCE_MCP_PORT, publicUrl: c.FINANCE_MCP_PUBLIC_URL }),
);

export const itMcpListenSection = defineSection(
  { IT_MCP_PORT: port.default(8002), IT_MCP_PUBLIC_URL: z.url().optional() },
  (c): McpListenConfig => ({ port: c.IT_MCP_PORT, publicUrl: c.IT_MCP_PUBLIC_URL }),
);

/**
 * MCP_AUTH_TOKENS is `subject:token:scope scope;subject:token:scope`, for example
 * `alice:tok_7Hq2…:tools.read tools.write;ci-bot:tok_Zp9…:tools.read`. Tokens are at least 16 visible characters.
 */
function parseMcpAuth(c: {
  MCP_AUTH_TOKENS?: string;
  MCP_AUTH_JWT_ISSUER?: string;
  MCP_AUTH_JWT_AUDIENCE?: string;
  MCP_AUTH_JWKS_URL?: string;
  MCP_AUTH_JWT_PUBLIC_KEY_FILE?: string;
}): McpAuthConfig | undefined {
  const staticTokens: StaticToken[] = [];
  for (const entry of (c.MCP_AUTH_TOKENS ?? '')
    .split(';')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [subject, token, scopes, ...rest] = entry.split(':');
    if (!subject || !token || rest.length > 0 || !/^[\x21-\x7e]{16,}$/.test(token)) {
      throw new ConfigError([
        'MCP_AUTH_TOKENS: each entry must be subject:token:scopes with a token of at least 16 visible characters (entries separated by ;)',
      ]);
    }
    staticTokens.push({ subject, token, scopes: (scopes ?? '').split(' ').filter(Boolean) });
  }
  if (c.MCP_AUTH_JWT_ISSUER && !c.MCP_AUTH_JWKS_URL && !c.MCP_AUTH_JWT_PUBLIC_KEY_FILE) {
    throw new ConfigError(['MCP_AUTH_JWKS_URL: set it (or MCP_AUTH_JWT_PUBLIC_KEY_FILE) with MCP_AUTH_JWT_ISSUER']);
  }
  if (!c.MCP_AUTH_JWT_ISSUER && (c.MCP_AUTH_JWKS_URL || c.MCP_AUTH_JWT_PUBLIC_KEY_FILE || c.MCP_AUTH_JWT_AUDIENCE)) {
    throw new ConfigError(['MCP_AUTH_JWT_ISSUER: required when JWT keys or an audience are configured']);
  }
  const jwt = c.MCP_AUTH_JWT_ISSUER
    ? {
        issuer: c.MCP_AUTH_JWT_ISSUER,
        audience: c.MCP_AUTH_JWT_AUDIENCE,
        jwksUrl: c.MCP_AUTH_JWKS_URL,
        publicKeyFile: c.MCP_AUTH_JWT_PUBLIC_KEY_FILE,
      }
    : undefined;
  return staticTokens.length || jwt ? { staticTokens, jwt } : undefined;
}
