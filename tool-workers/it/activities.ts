/** IT activities: the Jira and IP lookups, the only I/O of the IT tools. */
import { ApplicationFailure } from '@temporalio/activity';
import { providerFailure } from '../../shared/providers';
import type { IpLookup } from './ip/lookup';
import { JiraProviderError, UnknownProjectError, type JiraProvider } from './jira/provider';
import type { IpObservation, JiraMetrics } from './tools';

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
        if (err instanceof UnknownProjectError) throw ApplicationFailure.nonRetryable(err.message, 'UnknownProject');
        if (err instanceof JiraProviderError) throw providerFailure(err, 'Jira');
        throw err;
      }
    },
  };
}

export type ItActivities = ReturnType<typeof createItActivities>;
