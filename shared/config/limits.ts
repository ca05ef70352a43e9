/**
 * Per-caller bounds on durable work: one concern read by the MCP servers (for their callers) and by the tool workers
 * (for Nexus callers, whose operations the workers' Nexus handlers start). One set of names, so one setting bounds a
 * caller however it reaches the tools.
 */
import { z } from 'zod';
import { defineSection } from './section';
import type { CallerLimit } from '../temporal/caller-limits';

/** How much durable work one caller may have running at a time; a start past a bound is refused, naming it. */
export interface CallerLimits {
  /** Open IT sessions (7-day workflows unless closed or idle). */
  itSessions: CallerLimit;
  /** Running MCP tasks, of any tool (the MCP servers only: Nexus has no tasks). */
  tasks: CallerLimit;
  /** Running calls of long-running tools (`price_alert`, `watch_ip`), which may each run for hours. */
  longRunning: CallerLimit;
  /** Approval questions waiting for an answer (the MCP servers' pending calls, each up to TOOL_APPROVAL_EXPIRY_MS). */
  pendingApprovals: CallerLimit;
}

const bound = (fallback: number) => z.coerce.number().int().min(1).max(100_000).default(fallback);

export const callerLimitsSection = defineSection(
  {
    MCP_MAX_IT_SESSIONS_PER_CALLER: bound(20),
    MCP_MAX_TASKS_PER_CALLER: bound(20),
    MCP_MAX_LONG_RUNNING_PER_CALLER: bound(10),
    MCP_MAX_PENDING_APPROVALS_PER_CALLER: bound(20),
  },
  (c): CallerLimits => ({
    itSessions: {
      max: c.MCP_MAX_IT_SESSIONS_PER_CALLER,
      what: 'open IT sessions',
      setting: 'MCP_MAX_IT_SESSIONS_PER_CALLER',
    },
    tasks: { max: c.MCP_MAX_TASKS_PER_CALLER, what: 'running MCP tasks', setting: 'MCP_MAX_TASKS_PER_CALLER' },
    longRunning: {
      max: c.MCP_MAX_LONG_RUNNING_PER_CALLER,
      what: 'running long-running tool calls',
      setting: 'MCP_MAX_LONG_RUNNING_PER_CALLER',
    },
    pendingApprovals: {
      max: c.MCP_MAX_PENDING_APPROVALS_PER_CALLER,
      what: 'approval questions waiting for an answer',
      setting: 'MCP_MAX_PENDING_APPROVALS_PER_CALLER',
    },
  }),
);
