/**
 * The IT tools' contract: each tool's input and output schema, once, and the shapes the workflows, activities and
 * providers exchange. The definitions (./tools.ts) take the schemas as their `input` and `output`; everything else
 * takes its types from here. Side-free (zod and constants only), so the workflows, the activities, the providers and
 * the definitions can all import it without importing one another. The session workflow's own messages are in
 * ./session-contract.ts.
 *
 * Sessions: a session (Jira project, IP history) is one long-running workflow named by a handle the server mints.
 * A state-changing call without `session_id` opens a new session and returns its handle; later calls pass it back.
 */
import { z } from 'zod';
import { SESSION_HANDLE_PATTERN, SESSION_ID_ARGUMENT } from '../../shared/tools/session-handle';
import { MAX_WATCH_CHECKS } from '../../shared/tools/task-progress';

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

/** The handle argument every session tool takes, and the handle its result carries (the wire name, once). */
const sessionArg = { [SESSION_ID_ARGUMENT]: sessionIdArg };
const sessionOut = { [SESSION_ID_ARGUMENT]: sessionIdOut };

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

// set_jira_project
export const setJiraProjectInput = z.strictObject({
  project: z.string().min(1).max(64).describe('Jira project key (for example DEMO) or an issue key of it (DEMO-123)'),
  ...sessionArg,
});
export const setJiraProjectResult = z.object({
  ...sessionOut,
  jira_project: z.string().describe('The session project now set'),
  last_used_at: z.string().describe('When the session was last used, ISO 8601'),
});

// get_jira_metrics
export const jiraMetricsInput = z.strictObject({
  project: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe("Jira project key; defaults to the session's project (set_jira_project)"),
  ...sessionArg,
});
export const jiraMetricsResult = jiraMetrics.extend({ [SESSION_ID_ARGUMENT]: sessionIdOut.optional() });

// track_ip
export const trackIpInput = z.strictObject({ ...sessionArg });
export const trackIpResult = ipRecord.extend({
  history_length: z.number().describe('IPs tracked in this session so far'),
  ...sessionOut,
});

// get_ip_history
export const ipHistoryInput = z.strictObject({ ...sessionArg });
export const ipHistoryResult = z.object({
  ...sessionOut,
  entries: z.array(ipRecord).describe('Tracked IPs, oldest first (the newest 1000 are kept)'),
  total_tracked: z.number().describe('IPs ever tracked in this session'),
});

// get_ip (no session: a lookup, not recorded)
export const getIpInput = z.strictObject({});

// close_session
export const closeSessionInput = z.strictObject({
  [SESSION_ID_ARGUMENT]: sessionIdArg.describe(
    'The IT session to end (the session_id set_jira_project or track_ip returned)',
  ),
} as { session_id: typeof sessionIdArg });
export const closeSessionResult = z.object({
  ...sessionOut,
  closed: z.literal(true).describe('The session has ended'),
});

// watch_ip
export const watchIpInput = z
  .strictObject({
    ...sessionArg,
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
  });
export const watchIpResult = z.object({
  ...sessionOut,
  checks: z.number().describe('Lookups made (each recorded in the session)'),
  changes: z.number().describe('How many times the IP differed from the lookup before'),
  observations: z.array(ipRecord).describe('Every lookup of this watch, oldest first'),
});
export type IpWatchResult = z.infer<typeof watchIpResult>;

// create_jira_issue
export const createJiraIssueInput = z.strictObject({
  summary: z.string().trim().min(1).max(255).describe('One-line title of the issue (at most 255 characters)'),
  description: z.string().max(10_000).describe('What the issue is about (plain text, at most 10000 characters)'),
  ip: z
    .union([z.ipv4(), z.ipv6()])
    .optional()
    .describe('An IP address the issue concerns (for example one track_ip recorded); added to the description'),
  ...sessionArg,
});
export const createJiraIssueResult = createdJiraIssue.extend({ ...sessionOut });
