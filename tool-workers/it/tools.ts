/**
 * The IT tools, each defined once (see shared/tools/definition.ts), with the schemas of ./contract.ts. The MCP server
 * registers every tool listed in `itTools`, the Nexus service offers the same operations, and the orchestrator sees
 * them through either.
 *
 * Sessions: a session (Jira project, IP history) is one long-running workflow named by a handle the server mints.
 * A state-changing call without `session_id` opens a new session and returns its handle; later calls pass it back.
 * Each session tool says how it uses its session (`session`); the MCP server and the Nexus service both follow it
 * (./session-tools.ts).
 */
import type { Workflow } from '@temporalio/common';
import type { z } from 'zod';
import { defineWorkflowTool, toolNames, workflowsOf, type ToolDefinition } from '../../shared/tools/definition';
import { toolService } from '../../shared/tools/nexus-service';
import { CLOSE_SESSION_TOOL } from '../../shared/tools/session-handle';
import {
  closeSessionInput,
  closeSessionResult,
  createJiraIssueInput,
  createJiraIssueResult,
  getIpInput,
  ipHistoryInput,
  ipHistoryResult,
  ipObservation,
  jiraMetricsInput,
  jiraMetricsResult,
  setJiraProjectInput,
  setJiraProjectResult,
  trackIpInput,
  trackIpResult,
  watchIpInput,
  watchIpResult,
} from './contract';
import type * as workflows from './workflows';

const workflow = workflowsOf<typeof workflows>();

/**
 * How a call uses the IT session its `session_id` names (or, where the front end has one, the connection's own):
 * - `writes`: without one, the call opens a new session and returns its handle;
 * - `needs`: without one, the call is refused (it says how to get one);
 * - `reads`: used when there is one; without one the call goes on without a session (get_jira_metrics with a project).
 */
export type SessionUse = 'reads' | 'writes' | 'needs';

/** A tool that takes a session handle (`session_id`), with how it uses the session. */
export interface SessionToolDefinition<
  I extends z.ZodObject<{ session_id: z.ZodOptional<z.ZodString> }> = z.ZodObject<{
    session_id: z.ZodOptional<z.ZodString>;
  }>,
  O extends z.ZodObject = z.ZodObject,
  W extends Workflow = Workflow,
  N extends string = string,
  U extends SessionUse = SessionUse,
> extends ToolDefinition<I, O, W, N> {
  readonly session: U;
}

function defineSessionTool<
  I extends z.ZodObject<{ session_id: z.ZodOptional<z.ZodString> }>,
  O extends z.ZodObject,
  W extends Workflow,
  const N extends string,
  const U extends SessionUse,
>(definition: SessionToolDefinition<I, O, W, N, U>): SessionToolDefinition<I, O, W, N, U> {
  return Object.freeze(definition);
}

export const setJiraProjectTool = defineSessionTool({
  name: 'set_jira_project',
  title: 'Set Jira project',
  description:
    'Sets the Jira project of an IT session; later get_jira_metrics calls use it by default. An issue key such as DEMO-123 ' +
    'selects its project (DEMO). Without session_id it starts a new session and returns its session_id.',
  input: setJiraProjectInput,
  output: setJiraProjectResult,
  annotations: { readOnlyHint: false, idempotentHint: true, destructiveHint: false, openWorldHint: false },
  workflow: workflow('itSessionWorkflow'),
  session: 'writes',
  summarize: (r) => `Jira project set to ${r.jira_project} (session_id ${r.session_id}).`,
});

export const getJiraMetricsTool = defineSessionTool({
  name: 'get_jira_metrics',
  title: 'Jira metrics',
  description:
    "Issue metrics of a Jira project: open, in progress, done in the last 30 days, open bugs, cycle time. Defaults to the session's project.",
  input: jiraMetricsInput,
  output: jiraMetricsResult,
  annotations: { readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: true },
  workflow: workflow('jiraMetricsWorkflow'),
  session: 'reads',
  summarize: (m) =>
    `${m.project} (${m.project_name}): ${m.open_issues} open, ${m.in_progress} in progress, ` +
    `${m.done_last_30_days} done in 30 days, ${m.open_bugs} open bugs [${m.source}]`,
});

export const trackIpTool = defineSessionTool({
  name: 'track_ip',
  title: 'Track my IP',
  description:
    "Looks up this machine's current IP address and records it, with a timestamp, in the session's IP history. " +
    'Without session_id it starts a new session and returns its session_id.',
  input: trackIpInput,
  output: trackIpResult,
  annotations: { readOnlyHint: false, idempotentHint: false, destructiveHint: false, openWorldHint: true },
  workflow: workflow('ipLookupWorkflow'),
  session: 'writes',
  summarize: (r) => `Tracked ${r.ip} (${r.source}) at ${r.tracked_at} (session_id ${r.session_id}).`,
});

export const getIpHistoryTool = defineSessionTool({
  name: 'get_ip_history',
  title: 'IP history',
  description: 'The IP addresses tracked in an IT session, oldest first, with when each was tracked.',
  input: ipHistoryInput,
  output: ipHistoryResult,
  annotations: { readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: false },
  workflow: workflow('itSessionWorkflow'),
  session: 'needs',
  summarize: (h) =>
    h.entries.length
      ? `IP history:\n${h.entries.map((r, i) => `${i + 1}. ${r.ip} (tracked at ${r.tracked_at}, ${r.source})`).join('\n')}`
      : 'No IPs tracked in this session yet.',
});

export const getIpTool = defineWorkflowTool({
  name: 'get_ip',
  title: 'My IP',
  description: "This machine's current IP address (not recorded; use track_ip to record it).",
  input: getIpInput,
  output: ipObservation,
  annotations: { readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: true },
  workflow: workflow('ipLookupWorkflow'),
  taskMode: 'when-slow',
  summarize: (o) => `Current IP: ${o.ip} (${o.source}).`,
});

export const closeSessionTool = defineSessionTool({
  name: CLOSE_SESSION_TOOL,
  title: 'Close IT session',
  description: 'Ends an IT session: its Jira project and IP history are discarded and its session_id stops working.',
  input: closeSessionInput,
  output: closeSessionResult,
  annotations: { readOnlyHint: false, idempotentHint: true, destructiveHint: true, openWorldHint: false },
  workflow: workflow('itSessionWorkflow'),
  session: 'needs',
  summarize: (r) => `IT session ${r.session_id} closed.`,
});

export const watchIpTool = defineSessionTool({
  name: 'watch_ip',
  title: 'Watch my IP',
  description:
    "Tracks this machine's IP address at an interval for a while: every every_seconds for for_minutes, each lookup recorded " +
    "in the session's IP history (as track_ip does), then reports what it saw and how often the IP changed. Without session_id " +
    'it starts a new session. Long-running: clients that support MCP tasks get a task to poll and can cancel it.',
  input: watchIpInput,
  output: watchIpResult,
  annotations: { readOnlyHint: false, idempotentHint: false, destructiveHint: false, openWorldHint: true },
  workflow: workflow('ipWatchWorkflow'),
  session: 'writes',
  taskMode: 'always',
  summarize: (w) =>
    `Watched the IP ${w.checks} times in session ${w.session_id}: ${w.changes} change${w.changes === 1 ? '' : 's'}, last ${w.observations.at(-1)?.ip ?? 'unknown'}.`,
});

export const createJiraIssueTool = defineSessionTool({
  name: 'create_jira_issue',
  title: 'Create Jira issue',
  description:
    "Files a new Task in the session's Jira project (set it first with set_jira_project) with a summary, a description " +
    'and optionally an IP address it concerns, and returns the new issue key. Needs approval unless the operator turned it off.',
  input: createJiraIssueInput,
  output: createJiraIssueResult,
  annotations: { readOnlyHint: false, idempotentHint: false, destructiveHint: false, openWorldHint: true },
  workflow: workflow('createJiraIssueWorkflow'),
  session: 'needs',
  approval: 'required',
  summarize: (r) => `Filed ${r.key} in ${r.project}: ${r.summary} [${r.source}]`,
});

export const itTools = [
  setJiraProjectTool,
  getJiraMetricsTool,
  trackIpTool,
  getIpHistoryTool,
  getIpTool,
  closeSessionTool,
  watchIpTool,
  createJiraIssueTool,
] as const;
export const itToolNames = toolNames(itTools);

/** The same tools as a Nexus service (operations named as the tools, `session_id` as the handle), for other namespaces. */
export const itService = toolService('it', itTools);
