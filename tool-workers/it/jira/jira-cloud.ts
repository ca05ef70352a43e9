/**
 * Live metrics from Jira Cloud's REST API v3 (https://developer.atlassian.com/cloud/jira/platform/rest/v3/):
 *   GET  /rest/api/3/project/{key}                 200 {"key": "DEMO", "name": "Demo project", ...}
 *                                                  404 {"errorMessages": ["No project could be found with key 'X'."], "errors": {}}
 *   POST /rest/api/3/search/approximate-count      {"jql": "..."} -> {"count": 42}
 *   POST /rest/api/3/search/jql                    {"jql", "fields", "maxResults", "nextPageToken"?}
 *                                                  -> {"issues": [{"key", "fields": {...}}], "nextPageToken"?, "isLast"}
 *   POST /rest/api/3/issue                         {"fields": {project: {key}, summary, description (ADF), issuetype, labels}}
 *                                                  201 {"id", "key", "self"}
 * Basic auth with email:apiToken. Jira dates look like 2026-11-01T10:00:00.000+0000.
 */
import { Agent, request } from 'undici';
import { z } from 'zod';
import type { CreatedJiraIssue, JiraMetrics } from '../contract';
import {
  JiraProviderError,
  requireProjectKey,
  UnknownProjectError,
  type JiraProvider,
  type NewJiraIssue,
} from './provider';

export interface JiraCloudOptions {
  baseUrl: string;
  email: string;
  apiToken: string;
  timeoutMs: number;
}

const projectBody = z.object({ key: z.string(), name: z.string() });
const countBody = z.object({ count: z.number().int().nonnegative() });
const searchBody = z.object({
  issues: z.array(
    z.object({
      key: z.string().optional(),
      fields: z.object({ created: z.string().nullish(), resolutiondate: z.string().nullish() }).optional(),
    }),
  ),
  nextPageToken: z.string().nullish(),
  isLast: z.boolean().optional(),
});
const createdBody = z.object({ key: z.string().min(1) });
const foundBody = z.object({
  issues: z.array(z.object({ key: z.string(), fields: z.object({ summary: z.string().nullish() }).optional() })),
});
const errorBody = z.object({
  errorMessages: z.array(z.string()).optional(),
  errors: z.record(z.string(), z.string()).optional(),
});

const PAGE_SIZE = 100;
// Bounds the cycle-time scan: the average of the first 500 issues done in 30 days is plenty for a metric.
const MAX_PAGES = 5;
const DAY_MS = 86_400_000;

/** The four counts, each one JQL query. The key is validated by so quoting it is safe. */
export const jiraQueries = (key: string) => ({
  open: `project = "${key}" AND statusCategory != Done`,
  inProgress: `project = "${key}" AND statusCategory = "In Progress"`,
  doneLast30Days: `project = "${key}" AND statusCategory = Done AND resolved >= -30d`,
  openBugs: `project = "${key}" AND issuetype = Bug AND statusCategory != Done`,
});

/** Jira Cloud's v3 API takes descriptions in the Atlassian Document Format: one paragraph per line. */
export function adfDocument(text: string, ip?: string) {
  const lines = [...text.split(/\r?\n/), ...(ip ? [`IP: ${ip}`] : [])].filter((l) => l.trim().length > 0);
  return {
    type: 'doc',
    version: 1,
    content: lines.map((line) => ({ type: 'paragraph', content: [{ type: 'text', text: line }] })),
  };
}

/** Jira writes offsets as +0000, which not every Date parser accepts; make them +00:00 first. */
export function parseJiraDate(value: string | null | undefined): number | null {
  if (!value) return null;
  const ms = Date.parse(value.trim().replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isFinite(ms) ? ms : null;
}

export class JiraCloudProvider implements JiraProvider {
  readonly name = 'cloud';
  // One pooled keep-alive agent per provider: the five requests of a metrics call share its connections.
  private readonly agent: Agent;
  private readonly base: URL;
  private readonly authorization: string;
  private readonly credentials: string;

  constructor(private readonly opts: JiraCloudOptions) {
    this.base = new URL(opts.baseUrl);
    this.credentials = Buffer.from(`${opts.email}:${opts.apiToken}`).toString('base64');
    this.authorization = `Basic ${this.credentials}`;
    this.agent = new Agent({
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      connectTimeout: opts.timeoutMs,
    });
  }

  async metrics(project: string): Promise<JiraMetrics> {
    const key = requireProjectKey(project);
    // The project first: an unknown key is then a clear 404 rather than four JQL errors.
    const info = projectBody.safeParse(
      await this.send(
        'GET',
        `/rest/api/3/project/${encodeURIComponent(key)}`,
        undefined,
        `project ${key}`,
        (detail) => new UnknownProjectError(`Jira Cloud has no project ${key} visible to these credentials: ${detail}`),
      ),
    );
    if (!info.success) throw new JiraProviderError(`Jira Cloud sent an unreadable project document for ${key}`);

    const q = jiraQueries(key);
    const [open, inProgress, done, bugs, cycle] = await Promise.all([
      this.count(q.open),
      this.count(q.inProgress),
      this.count(q.doneLast30Days),
      this.count(q.openBugs),
      this.cycleTimeDays(q.doneLast30Days),
    ]);
    return {
      project: info.data.key,
      project_name: info.data.name,
      open_issues: open,
      in_progress: inProgress,
      done_last_30_days: done,
      open_bugs: bugs,
      avg_cycle_time_days: cycle,
      as_of: new Date().toISOString(),
      source: `Jira Cloud ${this.base.host}`,
    };
  }

  async findIssue(project: string, label: string): Promise<CreatedJiraIssue | null> {
    const key = requireProjectKey(project);
    // Labels are [a-z0-9-] only (durable-mcp-<hex>), so quoting them is safe.
    const payload = { jql: `project = "${key}" AND labels = "${label}"`, fields: ['summary'], maxResults: 1 };
    const parsed = foundBody.safeParse(await this.send('POST', '/rest/api/3/search/jql', payload, 'an issue search'));
    if (!parsed.success) throw new JiraProviderError('Jira Cloud sent an unreadable issue search result');
    const found = parsed.data.issues[0];
    return found ? this.issue(found.key, key, found.fields?.summary ?? '') : null;
  }

  async createIssue(issue: NewJiraIssue): Promise<CreatedJiraIssue> {
    const key = requireProjectKey(issue.project);
    const payload = {
      fields: {
        project: { key },
        summary: issue.summary,
        description: adfDocument(issue.description, issue.ip),
        issuetype: { name: 'Task' },
        labels: [issue.label],
      },
    };
    const parsed = createdBody.safeParse(
      await this.send(
        'POST',
        '/rest/api/3/issue',
        payload,
        `a new issue in ${key}`,
        (detail) => new UnknownProjectError(`Jira Cloud has no project ${key} visible to these credentials: ${detail}`),
      ),
    );
    if (!parsed.success) throw new JiraProviderError('Jira Cloud sent an unreadable answer to the new issue');
    return this.issue(parsed.data.key, key, issue.summary);
  }

  private issue(issueKey: string, project: string, summary: string): CreatedJiraIssue {
    const url = new URL(`${this.base.pathname.replace(/\/+$/, '')}/browse/${encodeURIComponent(issueKey)}`, this.base);
    return { key: issueKey, project, summary, url: url.toString(), source: `Jira Cloud ${this.base.host}` };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async count(jql: string): Promise<number> {
    const parsed = countBody.safeParse(
      await this.send('POST', '/rest/api/3/search/approximate-count', { jql }, 'an issue count'),
    );
    if (!parsed.success) throw new JiraProviderError('Jira Cloud sent an unreadable issue count');
    return parsed.data.count;
  }

  private async cycleTimeDays(jql: string): Promise<number | null> {
    const days: number[] = [];
    let nextPageToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const payload = {
        jql,
        fields: ['created', 'resolutiondate'],
        maxResults: PAGE_SIZE,
        ...(nextPageToken ? { nextPageToken } : {}),
      };
      const parsed = searchBody.safeParse(
        await this.send('POST', '/rest/api/3/search/jql', payload, 'an issue search'),
      );
      if (!parsed.success) throw new JiraProviderError('Jira Cloud sent an unreadable issue search result');
      for (const issue of parsed.data.issues) {
        const created = parseJiraDate(issue.fields?.created);
        const resolved = parseJiraDate(issue.fields?.resolutiondate);
        // Issues without both dates (or resolved "before" created after a re-import) say nothing about cycle time.
        if (created !== null && resolved !== null && resolved >= created) days.push((resolved - created) / DAY_MS);
      }
      nextPageToken = parsed.data.nextPageToken ?? undefined;
      if (parsed.data.isLast === true || !nextPageToken) break;
    }
    if (days.length === 0) return null;
    return Math.round((days.reduce((a, b) => a + b, 0) / days.length) * 10) / 10;
  }

  /** One request; any answer but 2xx becomes a provider error whose kind says whether a retry can help. */
  private async send(
    method: 'GET' | 'POST',
    path: string,
    payload: unknown,
    what: string,
    notFound?: (detail: string) => Error,
  ): Promise<unknown> {
    const url = new URL(this.base.pathname.replace(/\/+$/, '') + path, this.base);
    let status: number;
    let text: string;
    try {
      const res = await request(url, {
        method,
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.opts.timeoutMs),
        headers: {
          authorization: this.authorization,
          accept: 'application/json',
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: payload === undefined ? undefined : JSON.stringify(payload),
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      const e = err as { name?: string; code?: string };
      if (e.name === 'TimeoutError' || e.name === 'AbortError' || /TIMEOUT/.test(e.code ?? '')) {
        throw new JiraProviderError(`Jira Cloud did not answer within ${this.opts.timeoutMs} ms (${what})`, 'timeout');
      }
      throw new JiraProviderError(`Jira Cloud is unreachable: ${this.redact(e.code ?? (err as Error).message)}`);
    }

    if (status >= 200 && status < 300) {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new JiraProviderError(`Jira Cloud answered ${what} with a body that is not JSON (HTTP ${status})`);
      }
    }
    const detail = this.errorDetail(text);
    if (status === 404 && notFound) throw notFound(detail);
    if (status === 401) {
      throw new JiraProviderError(
        `Jira Cloud rejected the credentials (HTTP 401): ${detail}; check JIRA_EMAIL and JIRA_API_TOKEN`,
        'rejected',
      );
    }
    if (status === 403)
      throw new JiraProviderError(`Jira Cloud refused access to ${what} (HTTP 403): ${detail}`, 'rejected');
    // 429 and 5xx pass; other 4xx (a bad query, a gone endpoint) will fail the same way again.
    if (status === 429 || status >= 500)
      throw new JiraProviderError(`Jira Cloud answered HTTP ${status} for ${what}: ${detail}`);
    throw new JiraProviderError(`Jira Cloud refused ${what} (HTTP ${status}): ${detail}`, 'rejected');
  }

  /** Jira's {"errorMessages": [...], "errors": {...}} as one line, with the credentials never echoed back. */
  private errorDetail(text: string): string {
    let detail = '';
    try {
      const parsed = errorBody.safeParse(JSON.parse(text));
      if (parsed.success) {
        detail = [
          ...(parsed.data.errorMessages ?? []),
          ...Object.entries(parsed.data.errors ?? {}).map(([k, v]) => `${k}: ${v}`),
        ].join('; ');
      }
    } catch {
      detail = text
        .replace(/<[^>]*>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
    }
    return this.redact(detail).slice(0, 300) || 'no details';
  }

  private redact(s: string): string {
    let out = s;
    for (const secret of [this.credentials, this.opts.apiToken]) if (secret) out = out.split(secret).join('[redacted]');
    return out;
  }
}
