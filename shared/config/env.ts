/**
 * Reading the environment: the `.env` file, the repository root, the error every config problem becomes, and the
 * zod field types the config sections share.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export type Env = Record<string, string | undefined>;

/** Repository root, resolved from this file so processes spawned from any cwd (desktop clients) find their files. */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A bad setting: one line, each problem naming its variable (`FINANCE_MCP_PORT: Too big: … (got "70000")`). */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
  }
}

/** Loads `<repo>/.env` (or ENV_FILE) into `process.env` without overriding variables already set. */
export function loadEnvFile(): void {
  const file = process.env.ENV_FILE ?? path.join(projectRoot, '.env');
  if (existsSync(file)) process.loadEnvFile(file);
}

/** An empty value (`TEMPORAL_TLS=` as in .env.example) means "use the default", like an unset one. */
export function presentValues(env: Env): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1].trim() !== ''),
  );
}

const SECRET = /KEY|TOKEN|SECRET|_DATA$/;

/** One problem per zod issue, naming the variable and what it got (never a secret's value). */
function describeIssues(error: z.ZodError, env: Env): string[] {
  return error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '(environment)');
    const got = env[name];
    return `${name}: ${issue.message}${got === undefined ? '' : ` (got ${JSON.stringify(SECRET.test(name) ? '***' : got)})`}`;
  });
}

/** Checks the variables of one schema; the result has every default applied. */
export function parseVariables<S extends z.ZodRawShape>(shape: S, env: Env): z.output<z.ZodObject<S>> {
  const parsed = z.object(shape).safeParse(presentValues(env));
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error, env));
  return parsed.data;
}

export const port = z.coerce.number().int().min(1).max(65535);
export const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
export const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
export const hostPort = z.string().regex(/^[^\s:/]+:\d{1,5}$/, 'expected host:port, for example 127.0.0.1:7233');
export const visibleAscii = z.string().regex(/^[\x21-\x7e]{1,128}$/, 'expected 1 to 128 visible ASCII characters');
/** Upper bound and default of the idle timeouts. */
export const WEEK_MS = 7 * 24 * 3600 * 1000;
export const YEAR_MS = 365 * 24 * 3600 * 1000;
