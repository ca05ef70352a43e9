/**
 * The IT tools, each defined once (see shared/tools/definition.ts), and the shapes they exchange. The MCP server
 * registers every tool listed in `itTools`; the session workflow, the activities and the providers take their types
 * from the schemas here.
 *
 * Sessions: a session (Jira project, IP history) is one long-running workflow named by a handle the server mints.
 * A state-changing call without `session_id` opens a new session and returns its handle; later calls pass it back.
 */
import { z } from 'zod';
import { defineTool, defineWorkflowTool, toolNames, workflowsOf } from '../../shared/tools/definition';
import { toolService } from '../../shared/tools/nexus-service';
import { SESSION_HANDLE_PATTERN } from '../../shared/tools/session-handle';
import { MAX_WATCH_CHECKS } from '../../shared/tools/task-progress';
import type * as workflows from './workflows';

const workflow = workflowsOf<typeof workflows>();

/** Re-exported: the session code and the tools' schemas take it from here. */
export { SESSION_HANDLE_PATTERN };

/** Jira's default project key rule: an uppercase letter, then letters, digits or underscores; 2 to 10 long. */
export const PROJECT_KEY = /^[A-Z][A-Z0-9_]{1,9}$/;

/**
 * The project key meant by a user's input: "demo" -> "DEMO", an issue key "DEMO-123" -> "DEMO" (issue keys are
 * PROJECTKEY-number). The result is safe to quote inside JQL, since the key pattern allows no quotes or spaces.
 */
export function projectKeyOf(input: string): string {
  const trimmed = input.trim().toUpperCase();
  const issueKey = /^([A-Z][A-Z0-9_]*)-\d+$/.exec(trimmed);
  const key = issueKey ? issueKey[1]! : trimmed;
  if (!PROJECT_KEY.test(key)) {
    throw new Error(
      `"${input.trim().slice(0, 64)}" is not a Jira project key: expected 2-10 letters, digits or underscores starting ` +
        'with a letter (for example DEMO), or an issue key such as DEMO-123',
    );
  }
  return key;
}

export const sessionIdArg = z
  .string()
  .regex(SESSION_HANDLE_PATTERN, 'session_id must be a session handle returned by this server')
  .optional()
  .describe(
    'Which IT session to use: the session_id an earlier set_jira_project or track_ip call returned. ' +
      'Pass it on every call to keep the same Jira project and IP history; omit it to start a new session.',
  );
const sessionIdOut = z
  .string()
  .describe('The IT session handle: pass it as session_id on later calls to keep using this session');

export const ipObservation = z.object({
  ip: z.string().describe('IP address'),
  source: z
    .enum(['public-ip-service', 'local-interface'])
    .describe('public-ip-service, or local-interface when the public lookup is off or failed'),
  detail: z.string().describe('Which service or interface answered, and why'),
});
export type IpObservation = z.infer<typeof ipObservation>;

export const ipRecord = ipObservation.extend({ tracked_at: z.string().describe('When it was tracked, ISO 8601') });
export type IpRecord = z.infer<typeof ipRecord>;

export const jiraMetrics = z.object({
  project: z.string().describe('Jira project key'),
  project_name: z.string().describe('Project name'),
  open_issues: z.number().describe('Issues not done'),
  in_progress: z.number().describe('Issues in progress'),
  done_last_30_days: z.number().describe('Issues done in the last 30 days'),
  open_bugs: z.number().describe('Bugs not done'),
  avg_cycle_time_days: z
    .number()
    .nullable()
    .describe('Average days from created to resolved over the last 30 days; null when none'),
  as_of: z.string().describe('When the numbers were read, ISO 8601'),
  source: z.string().describe('Where the numbers came from; says "sample data" when not live'),
});
export type JiraMetrics = z.infer<typeof jiraMetrics>;

export const setJiraProjectTool = defineTool({
  name: 'set_jira_project',
  title: 'Set Jira project',
  description:
    'Sets the Jira project of an IT session; later get_jira_metrics calls use it by default. An issue key such as DEMO-123 ' +
    'selects its project (DEMO). Without session_id it starts a new session and returns its session_id.',
  input: z.strictObject({
    project: z.string().min(1).max(64).describe('Jira project key (for example DEMO) or an issue key of it (DEMO-123)'),
    session_id: sessionIdArg,
  }),
  output: z.object({
    session_id: sessionIdOut,
    jira_project: z.string().describe('The session project now set'),
    last_used_at: z.string().describe('When the session was last used, ISO 8601'),
  }),
  annotations: { readOnlyHint: false, idempotentHint: true, destructiveHint: false, openWorldHint: false },
  workflow: workflow('itSessionWorkflow'),
  summarize: (r) => `Jira project set to ${r.jira_project} (session_id ${r.session_id}).`,
});

export const getJiraMetricsTool = defineTool({
  name: 'get_jira_metrics',
  title: 'Jira metrics',
  description:
    "Issue metrics of a Jira project: open, in progress, done in the last 30 days, open bugs, cycle time. Defaults to the session's project.",
  input: z.strictObject({
    project: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe("Jira project key; defaults to the session's project (set_jira_project)"),
    session_id: sessionIdArg,
  }),
  output: jiraMetrics.extend({ session_id: sessionIdOut.optional() }),
  annotations: { readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: true },
  workflow: workflow('jiraMetricsWorkflow'),
  summarize: (m) =>
    `${m.project} (${m.project_name}): ${m.open_issues} open, ${m.in_progress} in progress, ` +
    `${m.done_last_30_days} done in 30 days, ${m.open_bugs} open bugs [${m.source}]`,
});

export const trackIpTool = defineTool({
  name: 'track_ip',
  title: 'Track my IP',
  description:
    "Looks up this machine's current IP address and records it, with a timestamp, in the session's IP history. " +
    'Without session_id it starts a new session and returns its session_id.',
  input: z.strictObject({ session_id: sessionIdArg }),
  output: ipRecord.extend({
    history_length: z.number().describe('IPs tracked in this session so far'),
    session_id: sessionIdOut,
  }),
  annotations: { readOnlyHint: false, idempotentHint: false, destructiveHint: false, openWorldHint: true },
  workflow: workflow('ipLookupWorkflow'),
  summarize: (r) => `Tracked ${r.ip} (${r.source}) at ${r.tracked_at} (session_id ${r.session_id}).`,
});

export const getIpHistoryTool = defineTool({
  name: 'get_ip_history',
  title: 'IP history',
  description: 'The IP addresses tracked in an IT session, oldest first, with when each was tracked.',
  input: z.strictObject({ session_id: sessionIdArg }),
  output: z.object({
    session_id: sessionIdOut,
    entries: z.array(ipRecord).describe('Tracked IPs, oldest first (the newest 1000 are kept)'),
    total_tracked: z.number().describe('IPs ever tracked in this session'),
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: false },
  workflow: workflow('itSessionWorkflow'),
  summarize: (h) =>
    h.entries.length
      ? `IP history:\n${h.entries.map((r, i) => `${i + 1}. ${r.ip} (tracked at ${r.tracked_at}, ${r.source})`).join('\n')}`
      : 'No IPs tracked in this session yet.',
});

export const getIpTool = defineWorkflowTool({
  name: 'get_ip',
  title: 'My IP',
  description: "This machine's current IP address (not recorded; use track_ip to record it).",
  input: z.strictObject({}),
  output: ipObservation,
  annotations: { readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: true },
  workflow: workflow('ipLookupWorkflow'),
  taskMode: 'when-slow',
  summarize: (o) => `Current IP: ${o.ip} (${o.source}).`,
});

export const closeSessionTool = defineTool({
  name: 'close_session',
  title: 'Close IT session',
  description: 'Ends an IT session: its Jira project and IP history are discarded and its session_id stops working.',
  input: z.strictObject({
    session_id: sessionIdArg.describe('The IT session to end (the session_id set_jira_project or track_ip returned)'),
  }),
  output: z.object({ session_id: sessionIdOut, closed: z.literal(true).describe('The session has ended') }),
  annotations: { readOnlyHint: false, idempotentHint: true, destructiveHint: true, openWorldHint: false },
  workflow: workflow('itSessionWorkflow'),
  summarize: (r) => `IT session ${r.session_id} closed.`,
});

export const watchIpTool = defineTool({
  name: 'watch_ip',
  title: 'Watch my IP',
  description:
    "Tracks this machine's IP address at an interval for a while: every every_seconds for for_minutes, each lookup recorded " +
    "in the session's IP history (as track_ip does), then reports what it saw and how often the IP changed. Without session_id " +
    'it starts a new session. Long-running: clients that support MCP tasks get a task to poll and can cancel it.',
  input: z
    .strictObject({
      session_id: sessionIdArg,
      every_seconds: z
        .number()
        .int('every_seconds must be a whole number')
        .min(1, 'every_seconds must be at least 1')
        .max(3600, 'every_seconds must be at most 3600')
        .default(300)
        .describe('Seconds between two lookups; defaults to 300'),
      for_minutes: z
        .number()
        .min(0.05, 'for_minutes must be at least 0.05 (3 seconds)')
        .max(720, 'for_minutes must be at most 720 (12 hours)')
        .default(60)
        .describe('How long to watch, in minutes (fractions allowed); defaults to 60'),
    })
    .refine((a) => (a.for_minutes * 60) / a.every_seconds <= MAX_WATCH_CHECKS, {
      message: `for_minutes * 60 / every_seconds must be at most ${MAX_WATCH_CHECKS} lookups: look up less often, or watch for less time`,
      path: ['every_seconds'],
    }),
  output: z.object({
    session_id: sessionIdOut,
    checks: z.number().describe('Lookups made (each recorded in the session)'),
    changes: z.number().describe('How many times the IP differed from the lookup before'),
    observations: z.array(ipRecord).describe('Every lookup of this watch, oldest first'),
  }),
  annotations: { readOnlyHint: false, idempotentHint: false, destructiveHint: false, openWorldHint: true },
  workflow: workflow('ipWatchWorkflow'),
  taskMode: 'always',
  summarize: (w) =>
    `Watched the IP ${w.checks} times in session ${w.session_id}: ${w.changes} change${w.changes === 1 ? '' : 's'}, last ${w.observations.at(-1)?.ip ?? 'unknown'}.`,
});

export const createdJiraIssue = z.object({
  key: z.string().describe('The new issue key, for example DEMO-123'),
  project: z.string().describe('The Jira project it was filed in'),
  summary: z.string().describe('The issue summary'),
  url: z.string().describe('Where to see the issue'),
  source: z.string().describe('Where it was filed; says "sample data" when no live Jira was written'),
});
export type CreatedJiraIssue = z.infer<typeof createdJiraIssue>;

/** What the activity files: the session's project, the call's fields, and the label that makes a retry find it. */
export interface JiraIssueRequest {
  project: string;
  summary: string;
  description: string;
  ip?: string;
}

export const createJiraIssueTool = defineTool({
  name: 'create_jira_issue',
  title: 'Create Jira issue',
  description:
    "Files a new Task in the session's Jira project (set it first with set_jira_project) with a summary, a description " +
    'and optionally an IP address it concerns, and returns the new issue key. Needs approval unless the operator turned it off.',
  input: z.strictObject({
    summary: z.string().trim().min(1).max(255).describe('One-line title of the issue (at most 255 characters)'),
    description: z.string().max(10_000).describe('What the issue is about (plain text, at most 10000 characters)'),
    ip: z
      .union([z.ipv4(), z.ipv6()])
      .optional()
      .describe('An IP address the issue concerns (for example one track_ip recorded); added to the description'),
    session_id: sessionIdArg,
  }),
  output: createdJiraIssue.extend({ session_id: sessionIdOut }),
  annotations: { readOnlyHint: false, idempotentHint: false, destructiveHint: false, openWorldHint: true },
  workflow: workflow('createJiraIssueWorkflow'),
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
