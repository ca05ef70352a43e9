/**
 * The IT MCP server: session tools whose state lives in one Temporal workflow per session. A server instance is
 * bound to one session id; the HTTP transport builds one per request, stdio one per process.
 */
import { randomUUID } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { IpObservation } from '../../tool-workers/it/ip/lookup';
import type { JiraMetrics } from '../../tool-workers/it/jira/provider';
import { projectKeyOf } from '../../tool-workers/it/jira/provider';
import { describeFailure } from '../../shared/temporal/failures';
import { structuredResult, toolError } from '../shared/tool-results';
import { IDEMPOTENCY_META_KEY, callerOf, validateIdempotencyKey, type ToolWorkflowRunner } from '../shared/tool-workflows';
import { answerUnknownToolsWithProtocolError } from '../shared/unknown-tool-error';
import type { ItSessions } from './sessions';

export const itServerInfo = { name: 'it-mcp', title: 'IT tools (stateful, Temporal-backed)', version: '0.1.0' };
export const itToolNames = ['set_jira_project', 'get_jira_metrics', 'track_ip', 'get_ip_history', 'get_ip'] as const;
/** The tools that change session state: with auth on, they need the write scope. */
export const itWriteTools = ['set_jira_project', 'track_ip'] as const;

export interface ItServerDeps {
  sessionId: string;
  sessions: ItSessions;
  lookups: ToolWorkflowRunner;
}

const ipSource = z.enum(['public-ip-service', 'local-interface']).describe('public-ip-service, or local-interface when the public lookup is off or failed');
const ipObservation = {
  ip: z.string().describe('IP address'),
  source: ipSource,
  detail: z.string().describe('Which service or interface answered, and why'),
};
const ipRecord = z.object({ ...ipObservation, tracked_at: z.string().describe('When it was tracked, ISO 8601') });

const jiraMetricsOutput = {
  project: z.string().describe('Jira project key'),
  project_name: z.string().describe('Project name'),
  open_issues: z.number().describe('Issues not done'),
  in_progress: z.number().describe('Issues in progress'),
  done_last_30_days: z.number().describe('Issues done in the last 30 days'),
  open_bugs: z.number().describe('Bugs not done'),
  avg_cycle_time_days: z.number().nullable().describe('Average days from created to resolved over the last 30 days; null when none'),
  as_of: z.string().describe('When the numbers were read, ISO 8601'),
  source: z.string().describe('Where the numbers came from; says "sample data" when not live'),
};

async function guarded(tool: string, body: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await body();
  } catch (err) {
    return toolError(`${tool} failed: ${describeFailure(err)}`);
  }
}

export function createItServer({ sessionId, sessions, lookups }: ItServerDeps): McpServer {
  const server = new McpServer(itServerInfo, {
    instructions: 'Session-scoped IT tools. The session (Jira project, IP history) is a durable Temporal workflow that survives server restarts.',
  });

  server.registerTool(
    'set_jira_project',
    {
      title: 'Set Jira project',
      description: 'Sets the Jira project of this session; later get_jira_metrics calls use it by default. An issue key such as DEMO-123 selects its project (DEMO).',
      // Strict schemas: an unknown argument is refused by name rather than silently dropped.
      inputSchema: z.strictObject({ project: z.string().min(1).max(64).describe('Jira project key (for example DEMO) or an issue key of it (DEMO-123)') }),
      outputSchema: {
        session_id: z.string().describe('This session'),
        jira_project: z.string().describe('The session project now set'),
        last_used_at: z.string().describe('When the session was last used, ISO 8601'),
      },
      annotations: { readOnlyHint: false, idempotentHint: true, destructiveHint: false, openWorldHint: false },
    },
    ({ project }, extra) =>
      guarded('set_jira_project', async () => {
        let key: string;
        try {
          key = projectKeyOf(project);
        } catch (err) {
          return toolError((err as Error).message);
        }
        // The signal is acknowledged once durable, and the answer is fully known: no read-back round trip.
        await sessions.setJiraProject(sessionId, key, undefined, callerOf(extra));
        return structuredResult(
          { session_id: sessionId, jira_project: key, last_used_at: new Date().toISOString() },
          `Jira project set to ${key}.`,
        );
      }),
  );

  server.registerTool(
    'get_jira_metrics',
    {
      title: 'Jira metrics',
      description: "Issue metrics of a Jira project: open, in progress, done in the last 30 days, open bugs, cycle time. Defaults to the session's project.",
      inputSchema: z.strictObject({ project: z.string().min(1).max(64).optional().describe("Jira project key; defaults to the session's project (set_jira_project)") }),
      outputSchema: jiraMetricsOutput,
      annotations: { readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: true },
    },
    ({ project }, extra) =>
      guarded('get_jira_metrics', async () => {
        const chosen = project ?? (await sessions.state(sessionId)).jira_project;
        if (!chosen) return toolError('No Jira project is set for this session: call set_jira_project first, or pass project.');
        let key: string;
        try {
          key = projectKeyOf(chosen);
        } catch (err) {
          return toolError((err as Error).message);
        }
        const metrics = await lookups.run<JiraMetrics>('get_jira_metrics', 'jiraMetricsWorkflow', { project: key }, undefined, callerOf(extra));
        return structuredResult(
          metrics as unknown as Record<string, unknown>,
          `${metrics.project} (${metrics.project_name}): ${metrics.open_issues} open, ${metrics.in_progress} in progress, ` +
            `${metrics.done_last_30_days} done in 30 days, ${metrics.open_bugs} open bugs [${metrics.source}]`,
        );
      }),
  );

  server.registerTool(
    'track_ip',
    {
      title: 'Track my IP',
      description: "Looks up this machine's current IP address and records it, with a timestamp, in the session's IP history.",
      inputSchema: z.strictObject({}),
      outputSchema: { ...ipRecord.shape, history_length: z.number().describe('IPs tracked in this session so far') },
      annotations: { readOnlyHint: false, idempotentHint: false, destructiveHint: false, openWorldHint: true },
    },
    (_args, extra) =>
      guarded('track_ip', async () => {
        let key: string | undefined;
        try {
          key = validateIdempotencyKey(extra._meta?.[IDEMPOTENCY_META_KEY]);
        } catch (err) {
          return toolError((err as Error).message);
        }
        // With a key, a repeated call reuses the first lookup and the session applies the write once.
        const who = callerOf(extra);
        const observation = await lookups.run<IpObservation>('track_ip', 'ipLookupWorkflow', {}, key && `${sessionId}-${key}`, who);
        await sessions.recordIp(sessionId, observation, key ?? randomUUID(), who);
        const state = await sessions.state(sessionId);
        const last = state.ip_history.at(-1)!;
        return structuredResult(
          { ...last, history_length: state.ip_history_total },
          `Tracked ${last.ip} (${last.source}) at ${last.tracked_at}.`,
        );
      }),
  );

  server.registerTool(
    'get_ip_history',
    {
      title: 'IP history',
      description: 'The IP addresses tracked in this session, oldest first, with when each was tracked.',
      inputSchema: z.strictObject({}),
      outputSchema: {
        session_id: z.string().describe('This session'),
        entries: z.array(ipRecord).describe('Tracked IPs, oldest first (the newest 1000 are kept)'),
        total_tracked: z.number().describe('IPs ever tracked in this session'),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: false },
    },
    () =>
      guarded('get_ip_history', async () => {
        const state = await sessions.state(sessionId);
        const lines = state.ip_history.map((r, i) => `${i + 1}. ${r.ip} (tracked at ${r.tracked_at}, ${r.source})`);
        return structuredResult(
          { session_id: sessionId, entries: state.ip_history, total_tracked: state.ip_history_total },
          lines.length ? `IP history:\n${lines.join('\n')}` : 'No IPs tracked in this session yet.',
        );
      }),
  );

  server.registerTool(
    'get_ip',
    {
      title: 'My IP',
      description: "This machine's current IP address (not recorded; use track_ip to record it).",
      inputSchema: z.strictObject({}),
      outputSchema: ipObservation,
      annotations: { readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: true },
    },
    (_args, extra) =>
      guarded('get_ip', async () => {
        const observation = await lookups.run<IpObservation>('get_ip', 'ipLookupWorkflow', {}, undefined, callerOf(extra));
        return structuredResult(observation as unknown as Record<string, unknown>, `Current IP: ${observation.ip} (${observation.source}).`);
      }),
  );

  answerUnknownToolsWithProtocolError(server, itToolNames);
  return server;
}
