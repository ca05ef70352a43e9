/**
 * The IT prompts, each defined once (shared/prompts/definition.ts): instructions an agent can start a turn from,
 * naming the tools and resources to use.
 */
import { z } from 'zod';
import { definePrompt } from '../../shared/prompts/definition';
import { sessionResource } from './resources';
import { createJiraIssueTool, getIpHistoryTool, getJiraMetricsTool } from './tools';

export const ipIncidentReportPrompt = definePrompt({
  name: 'ip_incident_report',
  title: 'Incident report for an IP',
  description:
    "Write an incident report about the public IPs one IT session has seen, and file it in the session's Jira project.",
  // A free argument: listing a caller's sessions would mean a visibility query per keystroke, which is neither cheap
  // nor consistent, so session_id is not completed.
  arguments: z.strictObject({
    session_id: z
      .string()
      .trim()
      .min(1, 'session_id must not be empty')
      .max(256, 'session_id must be at most 256 characters')
      .describe('The IT session (the session_id set_jira_project or track_ip returned)'),
  }),
  messages: ({ session_id }) => [
    {
      role: 'user',
      text:
        `Write an incident report for the IPs seen by IT session ${session_id}.\n` +
        `1. Read ${sessionResource.uriTemplate.replace('{session_id}', session_id)} (or call ${getIpHistoryTool.name} ` +
        `with session_id ${session_id}) for the IP history and the session's Jira project.\n` +
        `2. Call ${getJiraMetricsTool.name} with that session_id for the project's open issues.\n` +
        '3. Draft the report: each IP with when it was first and last seen, and what changed.\n' +
        `4. Only if the user agrees, file it with ${createJiraIssueTool.name} (it may ask for approval).`,
    },
  ],
});

export const itPrompts = [ipIncidentReportPrompt] as const;
