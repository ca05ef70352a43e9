/**
 * The IT tools. The MCP server reads what its sessions need (task queue, idle timeout, the stdio session id); the
 * worker reads the Jira and IP lookups too, so a Jira mistake stops the worker alone.
 */
import { z } from 'zod';
import { ConfigError, optionalString, YEAR_MS, WEEK_MS } from './env';
import { defineSection } from './section';
import { SESSION_HANDLE_PATTERN } from '../tools/session-handle';

const sessionVariables = {
  IT_TASK_QUEUE: z.string().min(1).default('it-tools'),
  // What the tools accept as a session_id: an id they refuse would make every read and close_session of this
  // process's session fail, and each write re-open it. Refused here, at start, instead.
  IT_SESSION_ID: z
    .string()
    .regex(
      SESSION_HANDLE_PATTERN,
      `expected a session handle matching ${SESSION_HANDLE_PATTERN.source}; use a random one ` +
        '(npm run desktop-config writes one) or leave it unset for a fresh session per process',
    )
    .optional(),
  IT_SESSION_IDLE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(YEAR_MS).default(WEEK_MS),
};

export interface ItSessionsConfig {
  taskQueue: string;
  /** stdio: the one session this process serves; unset means a fresh one per process. */
  stdioSessionId?: string;
  sessionIdleTimeoutMs: number;
}

export interface ItConfig extends ItSessionsConfig {
  jiraProvider: 'sample' | 'cloud';
  jiraCloud: { baseUrl: string; email: string; apiToken: string };
  jiraTimeoutMs: number;
  /** Public-IP service (ipify's JSON or plain-text format); unset: the host's primary interface only. */
  ipLookupUrl?: string;
  ipLookupTimeoutMs: number;
}

const sessions = (c: z.output<z.ZodObject<typeof sessionVariables>>): ItSessionsConfig => ({
  taskQueue: c.IT_TASK_QUEUE,
  stdioSessionId: c.IT_SESSION_ID,
  sessionIdleTimeoutMs: c.IT_SESSION_IDLE_TIMEOUT_MS,
});

export const itSessionsSection = defineSection(sessionVariables, sessions);

export const itSection = defineSection(
  {
    ...sessionVariables,
    JIRA_PROVIDER: z.enum(['sample', 'cloud']).default('sample'),
    JIRA_BASE_URL: z.url().optional(),
    JIRA_EMAIL: optionalString,
    JIRA_API_TOKEN: optionalString,
    JIRA_TIMEOUT_MS: z.coerce.number().int().min(50).max(120_000).default(10_000),
    IP_LOOKUP_URL: z.url().optional(),
    IP_LOOKUP_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(3000),
  },
  (c): ItConfig => {
    if (c.JIRA_PROVIDER === 'cloud') {
      for (const name of ['JIRA_BASE_URL', 'JIRA_EMAIL', 'JIRA_API_TOKEN'] as const) {
        if (!c[name]) throw new ConfigError([`${name}: required when JIRA_PROVIDER=cloud`]);
      }
    }
    return {
      ...sessions(c),
      jiraProvider: c.JIRA_PROVIDER,
      jiraCloud: { baseUrl: c.JIRA_BASE_URL ?? '', email: c.JIRA_EMAIL ?? '', apiToken: c.JIRA_API_TOKEN ?? '' },
      jiraTimeoutMs: c.JIRA_TIMEOUT_MS,
      ipLookupUrl: c.IP_LOOKUP_URL,
      ipLookupTimeoutMs: c.IP_LOOKUP_TIMEOUT_MS,
    };
  },
);
