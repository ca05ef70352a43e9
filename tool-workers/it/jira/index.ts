import type { ItConfig } from '../../../shared/config';
import { JiraCloudProvider } from './jira-cloud';
import type { JiraProvider } from './provider';
import { SampleJiraProvider } from './sample';

export function createJiraProvider(config: ItConfig): JiraProvider {
  switch (config.jiraProvider) {
    case 'sample':
      return new SampleJiraProvider();
    case 'cloud':
      return new JiraCloudProvider({ ...config.jiraCloud, timeoutMs: config.jiraTimeoutMs });
  }
}
