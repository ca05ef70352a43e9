/**
 * A local stand-in for Jira Cloud's REST API v3 in its real formats: project lookup, approximate-count and the
 * token-paginated /search/jql, Basic auth, Jira's {"errorMessages": [...], "errors": {}} error bodies and
 * +0000-offset dates. Counts come from a list of fake issues run through a tiny JQL evaluator, so the queries the
 * provider sends really decide the numbers. POST /rest/api/3/issue files an issue (ADF description, labels) that later
 * searches find, by `labels = "..."` too; `failCreates` makes the next creates file the issue and then answer 500, as
 * a Jira whose answer was lost after the write.
 */
import type { ServerResponse } from 'node:http';
import { sendJson, startHttpFake, type HttpFake } from './http-fake';

export type JiraCloudMode = 'ok' | 'http-500' | 'hang';

export interface JiraCloudFake extends HttpFake {
  mode: JiraCloudMode;
  /** Issues per /search/jql page at most (Jira caps maxResults too); lower it to exercise pagination. */
  pageSize: number;
  /** Every JQL query received, in order. */
  jql: string[];
  /** Issues filed through POST /rest/api/3/issue, in order. */
  created: CreatedFakeIssue[];
  /** How many of the next creates file the issue and then answer HTTP 500 (the write happened, the answer is lost). */
  failCreates: number;
}

export interface CreatedFakeIssue extends FakeIssue {
  summary: string;
  labels: string[];
  /** The description as sent: an ADF document. */
  description: unknown;
}

type StatusCategory = 'To Do' | 'In Progress' | 'Done';

export interface FakeIssue {
  key: string;
  issuetype: 'Bug' | 'Story' | 'Task';
  statusCategory: StatusCategory;
  /** Days before now. */
  createdDaysAgo: number;
  resolvedDaysAgo?: number;
  summary?: string;
  labels?: string[];
}

export const fakeProjects: Record<string, string> = { DEMO: 'Demo project', OPS: 'Operations' };

/**
 * DEMO: open (not Done) = 5 (2 of them In Progress), open bugs = 2, done in 30 days = 3 with cycle times 2, 3.5 and
 * 4 days (mean 3.17 -> 3.2); one more Done issue resolved 45 days ago must not count. OPS: 2 open, nothing done
 * recently, so no cycle time.
 */
export const fakeIssues: FakeIssue[] = [
  { key: 'DEMO-1', issuetype: 'Bug', statusCategory: 'To Do', createdDaysAgo: 10 },
  { key: 'DEMO-2', issuetype: 'Bug', statusCategory: 'In Progress', createdDaysAgo: 8 },
  { key: 'DEMO-3', issuetype: 'Story', statusCategory: 'In Progress', createdDaysAgo: 6 },
  { key: 'DEMO-4', issuetype: 'Task', statusCategory: 'To Do', createdDaysAgo: 3 },
  { key: 'DEMO-5', issuetype: 'Story', statusCategory: 'To Do', createdDaysAgo: 1 },
  { key: 'DEMO-6', issuetype: 'Bug', statusCategory: 'Done', createdDaysAgo: 12, resolvedDaysAgo: 10 },
  { key: 'DEMO-7', issuetype: 'Story', statusCategory: 'Done', createdDaysAgo: 20.5, resolvedDaysAgo: 17 },
  { key: 'DEMO-8', issuetype: 'Task', statusCategory: 'Done', createdDaysAgo: 9, resolvedDaysAgo: 5 },
  { key: 'DEMO-9', issuetype: 'Bug', statusCategory: 'Done', createdDaysAgo: 60, resolvedDaysAgo: 45 },
  { key: 'OPS-1', issuetype: 'Task', statusCategory: 'To Do', createdDaysAgo: 4 },
  { key: 'OPS-2', issuetype: 'Task', statusCategory: 'In Progress', createdDaysAgo: 2 },
  { key: 'OPS-3', issuetype: 'Task', statusCategory: 'Done', createdDaysAgo: 90, resolvedDaysAgo: 80 },
];

const DAY_MS = 86_400_000;

/** Jira's timestamp format, 2026-11-01T10:00:00.000+0000, in a given UTC offset (minutes). */
export function jiraDate(ms: number, offsetMinutes = 0): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 23);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

const jiraError = (res: ServerResponse, status: number, ...errorMessages: string[]) =>
  sendJson(res, status, { errorMessages, errors: {} });

class JqlError extends Error {}

/** The JQL this fake understands: `project = "KEY"` followed by ANDed clauses from a fixed set, or `labels = "x"`. */
function compileJql(jql: string): (issue: FakeIssue) => boolean {
  const [head, ...clauses] = jql.split(' AND ').map((c) => c.trim());
  const project = /^project = "([A-Z][A-Z0-9_]*)"$/.exec(head ?? '')?.[1];
  if (!project) throw new JqlError(`Error in the JQL Query: expected project = "KEY" first, got '${head}'.`);
  if (!fakeProjects[project]) throw new JqlError(`The value '${project}' does not exist for the field 'project'.`);
  const tests = clauses.map((clause): ((i: FakeIssue) => boolean) => {
    const label = /^labels = "([^"]+)"$/.exec(clause)?.[1];
    if (label) return (i) => (i.labels ?? []).includes(label);
    switch (clause) {
      case 'statusCategory != Done':
        return (i) => i.statusCategory !== 'Done';
      case 'statusCategory = Done':
        return (i) => i.statusCategory === 'Done';
      case 'statusCategory = "In Progress"':
        return (i) => i.statusCategory === 'In Progress';
      case 'issuetype = Bug':
        return (i) => i.issuetype === 'Bug';
      case 'resolved >= -30d':
        return (i) => i.resolvedDaysAgo !== undefined && i.resolvedDaysAgo <= 30;
      default:
        throw new JqlError(`Error in the JQL Query: the fake does not understand '${clause}'.`);
    }
  });
  return (issue) => issue.key.startsWith(`${project}-`) && tests.every((t) => t(issue));
}

export async function startJiraCloudFake(
  credentials = { email: 'bot@example.com', apiToken: 'jira-test-token' },
): Promise<JiraCloudFake> {
  const expectedAuth = `Basic ${Buffer.from(`${credentials.email}:${credentials.apiToken}`).toString('base64')}`;
  const jql: string[] = [];
  const created: CreatedFakeIssue[] = [];
  const fake = (await startHttpFake((req, res, body) => {
    if (fake.mode === 'hang') return; // never answers
    if (fake.mode === 'http-500') return jiraError(res, 500, 'Internal server error');
    if (req.headers.authorization !== expectedAuth) {
      return jiraError(res, 401, 'You are not authenticated. Authentication required to perform this operation.');
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const now = Date.now();

    const projectPath = /^\/rest\/api\/3\/project\/([^/]+)$/.exec(url.pathname);
    if (projectPath) {
      if (req.method !== 'GET') return jiraError(res, 405, 'Method not allowed');
      const key = decodeURIComponent(projectPath[1]!).toUpperCase();
      const name = fakeProjects[key];
      if (!name) return jiraError(res, 404, `No project could be found with key '${key}'.`);
      return sendJson(res, 200, {
        self: `${fake.url}/rest/api/3/project/10000`,
        id: '10000',
        key,
        name,
        projectTypeKey: 'software',
      });
    }

    if (url.pathname === '/rest/api/3/issue') {
      if (req.method !== 'POST') return jiraError(res, 405, 'Method not allowed');
      if (!/^application\/json/.test(req.headers['content-type'] ?? '')) return void res.writeHead(415).end();
      let doc: { fields?: Record<string, any> };
      try {
        doc = JSON.parse(body) as typeof doc;
      } catch {
        return jiraError(res, 400, 'Invalid request payload. Refer to the REST API documentation and try again.');
      }
      const f = doc.fields ?? {};
      const errors: Record<string, string> = {};
      const project = typeof f.project?.key === 'string' ? f.project.key : undefined;
      if (!project || !fakeProjects[project]) errors.project = 'valid project is required';
      if (typeof f.summary !== 'string' || f.summary.length === 0)
        errors.summary = 'You must specify a summary of the issue.';
      if (f.issuetype?.name !== 'Task') errors.issuetype = 'Specify a valid issue type';
      // v3 takes descriptions in ADF only: a plain string is refused, as Jira Cloud refuses it.
      if (f.description !== undefined && f.description?.type !== 'doc')
        errors.description = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
      if (
        f.labels !== undefined &&
        !(Array.isArray(f.labels) && f.labels.every((l: unknown) => typeof l === 'string' && !/\s/.test(l)))
      )
        errors.labels = 'Labels must be strings without spaces';
      if (Object.keys(errors).length > 0) return sendJson(res, 400, { errorMessages: [], errors });
      const key = `${project}-${100 + created.length}`;
      created.push({
        key,
        issuetype: 'Task',
        statusCategory: 'To Do',
        createdDaysAgo: 0,
        summary: f.summary as string,
        labels: (f.labels as string[] | undefined) ?? [],
        description: f.description,
      });
      if (fake.failCreates > 0) {
        fake.failCreates--;
        return jiraError(res, 500, 'Internal server error');
      }
      return sendJson(res, 201, {
        id: String(20000 + created.length),
        key,
        self: `${fake.url}/rest/api/3/issue/${key}`,
      });
    }

    const isCount = url.pathname === '/rest/api/3/search/approximate-count';
    const isSearch = url.pathname === '/rest/api/3/search/jql';
    if (!isCount && !isSearch) return jiraError(res, 404, 'Null for uri: ' + url.pathname);
    if (req.method !== 'POST') return jiraError(res, 405, 'Method not allowed');
    if (!/^application\/json/.test(req.headers['content-type'] ?? '')) return void res.writeHead(415).end();
    let doc: { jql?: unknown; fields?: unknown; maxResults?: unknown; nextPageToken?: unknown };
    try {
      doc = JSON.parse(body) as typeof doc;
    } catch {
      return jiraError(res, 400, 'Invalid request payload. Refer to the REST API documentation and try again.');
    }
    if (typeof doc.jql !== 'string') return jiraError(res, 400, 'JQL query is required.');
    jql.push(doc.jql);
    let matches: (issue: FakeIssue) => boolean;
    try {
      matches = compileJql(doc.jql);
    } catch (err) {
      if (err instanceof JqlError) return jiraError(res, 400, err.message);
      throw err;
    }
    const hits = [...fakeIssues, ...created].filter((i) => matches(i));
    if (isCount) return sendJson(res, 200, { count: hits.length });

    const fields = Array.isArray(doc.fields) ? (doc.fields as string[]) : [];
    const limit = Math.min(typeof doc.maxResults === 'number' ? doc.maxResults : 50, fake.pageSize);
    const start =
      typeof doc.nextPageToken === 'string' ? Number(Buffer.from(doc.nextPageToken, 'base64url').toString()) : 0;
    const page = hits.slice(start, start + limit);
    const isLast = start + limit >= hits.length;
    sendJson(res, 200, {
      issues: page.map((i, n) => {
        // Mixed offsets (Jira writes each timestamp in a zone), so a parser that drops the offset gets it wrong.
        const all: Record<string, string | null> = {
          created: jiraDate(now - i.createdDaysAgo * DAY_MS, n % 2 === 0 ? 0 : 60),
          resolutiondate:
            i.resolvedDaysAgo === undefined ? null : jiraDate(now - i.resolvedDaysAgo * DAY_MS, n % 2 === 0 ? -300 : 0),
          summary: i.summary ?? `Fake issue ${i.key}`,
        };
        return {
          id: String(10000 + n),
          key: i.key,
          self: `${fake.url}/rest/api/3/issue/${i.key}`,
          fields: Object.fromEntries(fields.map((f) => [f, all[f] ?? null])),
        };
      }),
      ...(isLast ? {} : { nextPageToken: Buffer.from(String(start + limit)).toString('base64url') }),
      isLast,
    });
  })) as JiraCloudFake;
  fake.mode = 'ok';
  fake.pageSize = 100;
  fake.jql = jql;
  fake.created = created;
  fake.failCreates = 0;
  return fake;
}
