/** Where Jira metrics come from. Implementations throw the errors below so activities can tell retryable from not. */
import { ProviderError } from '../../../shared/providers';
import { projectKeyOf, type CreatedJiraIssue, type JiraIssueRequest, type JiraMetrics } from '../contract';

/** An issue to file, with the label that names the call that files it (`durable-mcp-<digest>`). */
export interface NewJiraIssue extends JiraIssueRequest {
  label: string;
}

export interface JiraProvider {
  readonly name: string;
  metrics(project: string): Promise<JiraMetrics>;
  /** The issue an earlier attempt of the same call filed (it carries `label`), or null. */
  findIssue(project: string, label: string): Promise<CreatedJiraIssue | null>;
  /** Files the issue, labelled; not idempotent by itself (the activity looks first). */
  createIssue(issue: NewJiraIssue): Promise<CreatedJiraIssue>;
  /** Releases pooled connections, for providers that hold any. */
  close?(): Promise<void>;
}

/** Jira answered, and it has no such project (or it is not visible to these credentials): retrying will not help. */
export class UnknownProjectError extends Error {
  override name = 'UnknownProject';
}

/** Jira failed, refused, or did not answer in time. Only 'rejected' is not worth a retry. */
export class JiraProviderError extends ProviderError {
  override name = 'JiraProviderError';
}

/** `projectKeyOf` for providers: a malformed key names no project. */
export function requireProjectKey(input: string): string {
  try {
    return projectKeyOf(input);
  } catch (err) {
    throw new UnknownProjectError((err as Error).message);
  }
}
