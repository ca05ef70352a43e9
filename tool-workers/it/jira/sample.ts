/**
 * The offline default: an embedded snapshot of a few projects' metrics, clearly labelled as sample data so nobody
 * mistakes it for a live Jira.
 */
import { createHash } from 'node:crypto';
import type { CreatedJiraIssue, JiraMetrics } from '../contract';
import { requireProjectKey, UnknownProjectError, type JiraProvider, type NewJiraIssue } from './provider';

const SNAPSHOT_AS_OF = '2026-11-20T09:00:00.000Z';
const SOURCE = 'sample data (embedded dataset; not a live Jira)';

type SampleProject = Omit<JiraMetrics, 'project' | 'as_of' | 'source'>;

const projects: Record<string, SampleProject> = {
  DEMO: {
    project_name: 'Demo project',
    open_issues: 42,
    in_progress: 9,
    done_last_30_days: 27,
    open_bugs: 7,
    avg_cycle_time_days: 4.3,
  },
  OPS: {
    project_name: 'Operations',
    open_issues: 18,
    in_progress: 5,
    done_last_30_days: 61,
    open_bugs: 3,
    avg_cycle_time_days: 1.2,
  },
  WEB: {
    project_name: 'Website',
    open_issues: 67,
    in_progress: 14,
    done_last_30_days: 38,
    open_bugs: 21,
    avg_cycle_time_days: 6.8,
  },
  MOBILE: {
    project_name: 'Mobile apps',
    open_issues: 55,
    in_progress: 11,
    done_last_30_days: 19,
    open_bugs: 16,
    avg_cycle_time_days: 9.5,
  },
  DATA: {
    project_name: 'Data platform',
    open_issues: 23,
    in_progress: 6,
    done_last_30_days: 0,
    open_bugs: 2,
    avg_cycle_time_days: null,
  },
};

const CREATED_SOURCE = 'sample data (kept by the IT worker; not filed in a live Jira)';

export class SampleJiraProvider implements JiraProvider {
  readonly name = 'sample';
  /**
   * Issues filed through this worker, in order. Memory is enough: an issue's number derives from its label (the call's
   * request id), so an attempt retried on another worker after a kill files the same issue, never a second one, and
   * the call's result lives in its workflow's history.
   */
  readonly created: (CreatedJiraIssue & { description: string; labels: string[] })[] = [];

  private known(project: string): string {
    const key = requireProjectKey(project);
    if (!projects[key]) {
      throw new UnknownProjectError(
        `no sample Jira project ${key}; the offline sample data covers ${Object.keys(projects).join(', ')} ` +
          '(set JIRA_PROVIDER=cloud for live data)',
      );
    }
    return key;
  }

  async findIssue(project: string, label: string): Promise<CreatedJiraIssue | null> {
    const key = this.known(project);
    const issue = this.created.find((i) => i.project === key && i.labels.includes(label));
    return issue ? issueResult(issue) : null;
  }

  async createIssue(issue: NewJiraIssue): Promise<CreatedJiraIssue> {
    const project = this.known(issue.project);
    // Sample numbers from 100000 up, so they never look like the snapshot's; derived from the label (see `created`).
    const number =
      100_000 + (parseInt(createHash('sha256').update(issue.label).digest('hex').slice(0, 12), 16) % 900_000);
    const key = `${project}-${number}`;
    const created = {
      key,
      project,
      summary: issue.summary,
      url: `sample://jira/browse/${key}`,
      source: CREATED_SOURCE,
      description: issue.description + (issue.ip ? `\nIP: ${issue.ip}` : ''),
      labels: [issue.label],
    };
    this.created.push(created);
    return issueResult(created);
  }

  async metrics(project: string): Promise<JiraMetrics> {
    const key = requireProjectKey(project);
    const known = projects[key];
    if (!known) {
      throw new UnknownProjectError(
        `no sample Jira project ${key}; the offline sample data covers ${Object.keys(projects).join(', ')} ` +
          '(set JIRA_PROVIDER=cloud for live data)',
      );
    }
    return { project: key, ...known, as_of: SNAPSHOT_AS_OF, source: SOURCE };
  }
}

function issueResult({ key, project, summary, url, source }: CreatedJiraIssue): CreatedJiraIssue {
  return { key, project, summary, url, source };
}
