/**
 * The IT resources, each defined once (shared/resources/definition.ts). The IT MCP server registers them: a session
 * reads through the session workflow's Query, bound to the caller as the session tools are; a project's metrics
 * through get_jira_metrics' own path.
 */
import { z } from 'zod';
import { defineResourceTemplate } from '../../shared/resources/definition';
import type { ItSessionState } from './session-contract';

export const sessionResource = defineResourceTemplate({
  name: 'session',
  title: 'IT session',
  description:
    'One of your IT sessions, by its handle (the session_id set_jira_project or track_ip returned): its Jira project, ' +
    'IP history and last use. A handle that is not an open session of yours reads as not found.',
  uriTemplate: 'it://sessions/{session_id}',
  // Any handle's shape is left to the session lookup, which answers not found for a malformed one as for a foreign one.
  variables: z.strictObject({ session_id: z.string().max(256, 'session_id must be at most 256 characters') }),
  mimeType: 'application/json',
});

export const jiraProjectResource = defineResourceTemplate({
  name: 'jira_project',
  title: 'Jira project metrics',
  description: "A Jira project's metrics (open, in progress and resolved issues), read as get_jira_metrics reads them.",
  uriTemplate: 'it://jira/{project}',
  variables: z.strictObject({ project: z.string().min(1).max(64).describe('Jira project key, for example DEMO') }),
  mimeType: 'application/json',
});

/** What it://sessions/{session_id} reads as: the session's state without its bookkeeping (request ids, counters). */
export function sessionView(state: ItSessionState) {
  return {
    session_id: state.session_id,
    jira_project: state.jira_project,
    ip_history: state.ip_history,
    ip_history_total: state.ip_history_total,
    created_at: state.created_at,
    last_used_at: state.last_used_at,
  };
}

export const itResources = [sessionResource, jiraProjectResource] as const;
