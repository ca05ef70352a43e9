import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JiraCloudProvider, parseJiraDate } from '../../tool-workers/it/jira/jira-cloud';
import { JiraProviderError, UnknownProjectError } from '../../tool-workers/it/jira/provider';
import { projectKeyOf } from '../../tool-workers/it/contract';
import { SampleJiraProvider } from '../../tool-workers/it/jira/sample';
import { startJiraCloudFake, type JiraCloudFake } from '../fakes/jira-cloud';

const EMAIL = 'bot@example.com';
const TOKEN = 'jira-test-token';

let fake: JiraCloudFake;
let provider: JiraCloudProvider;

beforeAll(async () => {
  fake = await startJiraCloudFake({ email: EMAIL, apiToken: TOKEN });
  provider = new JiraCloudProvider({ baseUrl: fake.url, email: EMAIL, apiToken: TOKEN, timeoutMs: 300 });
});
afterAll(async () => {
  await provider?.close();
  await fake?.close();
});

describe('projectKeyOf', () => {
  it('normalises project keys and issue keys', () => {
    expect(projectKeyOf('demo')).toBe('DEMO');
    expect(projectKeyOf('  ops ')).toBe('OPS');
    expect(projectKeyOf('DEMO-123')).toBe('DEMO');
    expect(projectKeyOf('data_2-7')).toBe('DATA_2');
  });

  it.each(['', 'D', '1ABC', 'TOOLONGPROJECTKEY', 'DEMO-', 'DEMO" OR project = "OPS', 'de mo'])(
    'refuses %j',
    (input) => {
      expect(() => projectKeyOf(input)).toThrowError(/is not a Jira project key/);
    },
  );
});

describe('parseJiraDate', () => {
  it('reads +0000 / +0100 / -0500 offsets as the same instants ISO would', () => {
    expect(parseJiraDate('2026-11-01T10:00:00.000+0000')).toBe(Date.parse('2026-11-01T10:00:00.000Z'));
    expect(parseJiraDate('2026-11-01T11:00:00.000+0100')).toBe(Date.parse('2026-11-01T10:00:00.000Z'));
    expect(parseJiraDate('2026-11-01T05:00:00.000-0500')).toBe(Date.parse('2026-11-01T10:00:00.000Z'));
    expect(parseJiraDate('2026-11-01T10:00:00.000Z')).toBe(Date.parse('2026-11-01T10:00:00.000Z'));
    expect(parseJiraDate('not a date')).toBeNull();
    expect(parseJiraDate(null)).toBeNull();
  });
});

describe('Jira Cloud provider (against a fake speaking its format)', () => {
  it('derives the metrics from the four JQL counts and the cycle-time search', async () => {
    fake.mode = 'ok';
    const before = fake.requests.length;
    const started = Date.now();
    const m = await provider.metrics('DEMO');
    expect(m).toMatchObject({
      project: 'DEMO',
      project_name: 'Demo project',
      open_issues: 5,
      in_progress: 2,
      done_last_30_days: 3,
      open_bugs: 2,
      avg_cycle_time_days: 3.2,
      source: `Jira Cloud ${new URL(fake.url).host}`,
    });
    expect(Date.parse(m.as_of)).toBeGreaterThanOrEqual(started - 1000);

    const sent = fake.requests.slice(before);
    expect(sent.map((r) => `${r.method} ${r.url}`).sort()).toEqual([
      'GET /rest/api/3/project/DEMO',
      'POST /rest/api/3/search/approximate-count',
      'POST /rest/api/3/search/approximate-count',
      'POST /rest/api/3/search/approximate-count',
      'POST /rest/api/3/search/approximate-count',
      'POST /rest/api/3/search/jql',
    ]);
    for (const r of sent) {
      expect(r.headers.authorization).toBe(`Basic ${Buffer.from(`${EMAIL}:${TOKEN}`).toString('base64')}`);
      expect(r.headers.accept).toBe('application/json');
    }
    const bodies = sent.filter((r) => r.method === 'POST').map((r) => JSON.parse(r.body));
    expect(
      bodies
        .filter((b) => !('fields' in b))
        .map((b) => b.jql)
        .sort(),
    ).toEqual([
      'project = "DEMO" AND issuetype = Bug AND statusCategory != Done',
      'project = "DEMO" AND statusCategory != Done',
      'project = "DEMO" AND statusCategory = "In Progress"',
      'project = "DEMO" AND statusCategory = Done AND resolved >= -30d',
    ]);
    expect(bodies.find((b) => 'fields' in b)).toEqual({
      jql: 'project = "DEMO" AND statusCategory = Done AND resolved >= -30d',
      fields: ['created', 'resolutiondate'],
      maxResults: 100,
    });
  });

  it('an issue key selects its project; a project with nothing done recently has no cycle time', async () => {
    fake.mode = 'ok';
    expect(await provider.metrics('ops-17')).toMatchObject({
      project: 'OPS',
      project_name: 'Operations',
      open_issues: 2,
      in_progress: 1,
      done_last_30_days: 0,
      open_bugs: 0,
      avg_cycle_time_days: null,
    });
  });

  it('follows nextPageToken through the cycle-time search', async () => {
    fake.mode = 'ok';
    fake.pageSize = 2;
    try {
      const before = fake.requests.length;
      expect((await provider.metrics('DEMO')).avg_cycle_time_days).toBe(3.2);
      const searches = fake.requests
        .slice(before)
        .filter((r) => r.url === '/rest/api/3/search/jql')
        .map((r) => JSON.parse(r.body));
      expect(searches).toHaveLength(2);
      expect(searches[0].nextPageToken).toBeUndefined();
      expect(typeof searches[1].nextPageToken).toBe('string');
    } finally {
      fake.pageSize = 100;
    }
  });

  it("an unknown project is an UnknownProjectError carrying Jira's message", async () => {
    fake.mode = 'ok';
    const attempt = provider.metrics('NOPE');
    await expect(attempt).rejects.toBeInstanceOf(UnknownProjectError);
    await expect(attempt).rejects.toThrowError(/no project NOPE.*No project could be found with key 'NOPE'/);
  });

  it('input that is no project key is refused before any request', async () => {
    const before = fake.requests.length;
    await expect(provider.metrics('DEMO" OR project = "OPS')).rejects.toBeInstanceOf(UnknownProjectError);
    expect(fake.requests.length).toBe(before);
  });

  it('bad credentials are rejected (not retryable) without echoing the secret', async () => {
    fake.mode = 'ok';
    const secret = 'wrong-secret-token-123';
    const wrong = new JiraCloudProvider({ baseUrl: fake.url, email: EMAIL, apiToken: secret, timeoutMs: 300 });
    try {
      const err = await wrong.metrics('DEMO').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(JiraProviderError);
      expect((err as JiraProviderError).kind).toBe('rejected');
      const message = (err as Error).message;
      expect(message).toMatch(/rejected the credentials \(HTTP 401\): You are not authenticated/);
      expect(message).not.toContain(secret);
      expect(message).not.toContain(Buffer.from(`${EMAIL}:${secret}`).toString('base64'));
      expect(message).not.toMatch(/Basic /);
    } finally {
      await wrong.close();
    }
  });

  it('HTTP 500 is a retryable unavailable error', async () => {
    fake.mode = 'http-500';
    const err = await provider.metrics('DEMO').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JiraProviderError);
    expect((err as JiraProviderError).kind).toBe('unavailable');
    expect((err as Error).message).toMatch(/answered HTTP 500 for project DEMO: Internal server error/);
  });

  it('a hanging Jira is a timeout that names the limit', async () => {
    fake.mode = 'hang';
    const started = Date.now();
    const err = await provider.metrics('DEMO').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JiraProviderError);
    expect((err as JiraProviderError).kind).toBe('timeout');
    expect((err as Error).message).toMatch(/did not answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('an unreachable Jira is unavailable', async () => {
    const gone = new JiraCloudProvider({
      baseUrl: 'http://127.0.0.1:1',
      email: EMAIL,
      apiToken: TOKEN,
      timeoutMs: 300,
    });
    try {
      const err = await gone.metrics('DEMO').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(JiraProviderError);
      expect((err as JiraProviderError).kind).toBe('unavailable');
      expect((err as Error).message).toMatch(/unreachable/);
    } finally {
      await gone.close();
    }
  });
});

describe('sample Jira provider', () => {
  const sample = new SampleJiraProvider();

  it('answers from the embedded dataset and says it is sample data', async () => {
    const m = await sample.metrics('demo-7');
    expect(m).toMatchObject({
      project: 'DEMO',
      project_name: 'Demo project',
      open_issues: 42,
      avg_cycle_time_days: 4.3,
    });
    expect(m.source).toMatch(/sample data/);
    expect(m.as_of).toBe(new Date(m.as_of).toISOString());
    expect(sample.name).toBe('sample');
    for (const key of ['OPS', 'WEB', 'MOBILE', 'DATA']) expect((await sample.metrics(key)).project).toBe(key);
  });

  it('an unknown project names the known ones and the way to live data', async () => {
    const attempt = sample.metrics('NOPE');
    await expect(attempt).rejects.toBeInstanceOf(UnknownProjectError);
    await expect(attempt).rejects.toThrowError(/DEMO, OPS, WEB, MOBILE, DATA.*JIRA_PROVIDER=cloud/);
  });
});
