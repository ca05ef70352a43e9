/** Where Jira metrics come from. Implementations throw the errors below so activities can tell retryable from not. */
import { ProviderError } from '../../../shared/providers';

export interface JiraMetrics {
  project: string;
  project_name: string;
  open_issues: number;
  in_progress: number;
  done_last_30_days: number;
  open_bugs: number;
  /** Mean days from created to resolved over issues done in the last 30 days; null when there are none. */
  avg_cycle_time_days: number | null;
  as_of: string;
  source: string;
}

export interface JiraProvider {
  readonly name: string;
  metrics(project: string): Promise<JiraMetrics>;
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

/** `projectKeyOf` for providers: a malformed key names no project. */
export function requireProjectKey(input: string): string {
  try {
    return projectKeyOf(input);
  } catch (err) {
    throw new UnknownProjectError((err as Error).message);
  }
}
