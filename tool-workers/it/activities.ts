/** IT activities: the Jira and IP lookups and the Jira issue filing, the only I/O of the IT tools. */
import { createHash } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { providerFailure } from '../../shared/providers';
import type { IpLookup } from './ip/lookup';
import { JiraProviderError, UnknownProjectError, type JiraProvider } from './jira/provider';
import type { CreatedJiraIssue, IpObservation, JiraIssueRequest, JiraMetrics } from './contract';

/**
 * The label that names one create_jira_issue call in Jira: a digest of its workflow id, which derives from the
 * caller-scoped idempotency key (or a fresh id per unkeyed call). Every attempt of the call carries the same one.
 */
export function jiraRequestLabel(workflowId: string): string {
  return `durable-mcp-${createHash('sha256').update(`jira-issue:${workflowId}`).digest('hex').slice(0, 32)}`;
}

function jiraFailure(err: unknown): unknown {
  if (err instanceof UnknownProjectError) return ApplicationFailure.nonRetryable(err.message, 'UnknownProject');
  if (err instanceof JiraProviderError) return providerFailure(err, 'Jira');
  return err;
}

export interface ItDeps {
  jira: JiraProvider;
  ip: Pick<IpLookup, 'lookup'>;
}

export function createItActivities({ jira, ip }: ItDeps) {
  return {
    async lookupIp(): Promise<IpObservation> {
      return ip.lookup();
    },

    async fetchJiraMetrics({ project }: { project: string }): Promise<JiraMetrics> {
      try {
        return await jira.metrics(project);
      } catch (err) {
        throw jiraFailure(err);
      }
    },

    /**
     * Files the issue once per call: Jira's create is not idempotent, so each attempt first looks for the issue an
     * earlier attempt filed (its label), and files only when there is none. An attempt retried after its POST
     * succeeded (a lost answer, a killed worker, a timeout) finds that issue instead of filing a second.
     */
    async createJiraIssue(request: JiraIssueRequest): Promise<CreatedJiraIssue> {
      const workflowId = Context.current().info.workflowExecution?.workflowId;
      // The label is the call's identity; without its workflow there is none to file once.
      if (!workflowId) throw ApplicationFailure.nonRetryable('createJiraIssue runs only inside its workflow');
      const label = jiraRequestLabel(workflowId);
      try {
        return (await jira.findIssue(request.project, label)) ?? (await jira.createIssue({ ...request, label }));
      } catch (err) {
        throw jiraFailure(err);
      }
    },
  };
}

export type ItActivities = ReturnType<typeof createItActivities>;
