/**
 * create_jira_issue (issue 27, parts 1 and 2): it needs approval by default, and a caller that cannot be asked (these
 * clients declare no elicitation; asking is test/it/approval-mcp.test.ts) is refused with a tool error naming the
 * policy; nothing is filed. With the policy turned off for it, it files exactly
 * one issue in the session's project, for both providers: across a repeated idempotency key, and across an activity
 * retried after its create went through (the answer lost), which finds the first issue by its request label.
 * Real Temporal, the real IT worker, MCP over HTTP with the SDK v2 client; Jira Cloud is the wire-format fake.
 */
import { randomUUID } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApprovalPolicy } from '../../shared/tools/approval';
import { JiraCloudProvider } from '../../tool-workers/it/jira/jira-cloud';
import { JiraProviderError, type JiraProvider } from '../../tool-workers/it/jira/provider';
import { SampleJiraProvider } from '../../tool-workers/it/jira/sample';
import { TOOL_ERROR_META_KEY } from '../../shared/tools/tool-error';
import { startJiraCloudFake, type JiraCloudFake } from '../fakes/jira-cloud';
import { connectModernClient, type ModernClient } from '../support/mcp-client';
import { startItStack, type ItStack } from '../support/it-stack';
import { taskClient } from '../tasks/task-client';

const sample = new SampleJiraProvider();
let fake: JiraCloudFake;
let cloud: JiraCloudProvider;
/** The worker's Jira, chosen per test. */
let current: JiraProvider = sample;
/** The next creates file the issue, then fail as if Jira's answer were lost: the activity is retried. */
let failAfterCreate = 0;
const jira: JiraProvider = {
  name: 'per-test',
  metrics: (project) => current.metrics(project),
  findIssue: (project, label) => current.findIssue(project, label),
  async createIssue(issue) {
    const created = await current.createIssue(issue);
    if (failAfterCreate > 0) {
      failAfterCreate--;
      throw new JiraProviderError('the answer to the create was lost');
    }
    return created;
  },
};

const NEVER_FOR_IT: ApprovalPolicy = { mode: 'default', always: [], never: ['create_jira_issue'] };
let stack: ItStack;
let guarded: ModernClient;
let open: ModernClient;

beforeAll(async () => {
  fake = await startJiraCloudFake({ email: 'bot@example.com', apiToken: 'jira-test-token' });
  cloud = new JiraCloudProvider({
    baseUrl: fake.url,
    email: 'bot@example.com',
    apiToken: 'jira-test-token',
    timeoutMs: 5000,
  });
  stack = await startItStack({ deps: { jira } });
  guarded = await connectModernClient((await stack.startHttp()).url);
  open = await connectModernClient((await stack.startHttp({ approvals: NEVER_FOR_IT })).url);
});
afterAll(async () => {
  await guarded?.close();
  await open?.close();
  await stack?.close();
  await cloud?.close();
  await fake?.close();
});

async function call(client: ModernClient, name: string, args: Record<string, unknown>, key?: string) {
  return (await client.callTool({
    name,
    arguments: args,
    ...(key ? { _meta: { idempotencyKey: key } } : {}),
  })) as CallToolResult;
}
const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;
const data = (r: CallToolResult) => r.structuredContent as Record<string, any>;

async function sessionWithProject(client: ModernClient, project: string): Promise<string> {
  const set = await call(client, 'set_jira_project', { project });
  expect(set.isError, text(set)).toBeFalsy();
  return data(set).session_id as string;
}
const issue = (session_id: string) => ({
  summary: `VPN drops every hour ${randomUUID().slice(0, 8)}`,
  description: 'Users lose the VPN hourly.\nSince Monday.',
  ip: '203.0.113.7',
  session_id,
});

describe('approval policy', () => {
  it('refuses create_jira_issue by default with a tool error naming the policy and how to change it; nothing is filed', async () => {
    current = sample;
    const before = sample.created.length;
    const session = await sessionWithProject(guarded, 'DEMO');
    const refused = await call(guarded, 'create_jira_issue', issue(session), `refused-${randomUUID()}`);
    expect(refused.isError).toBe(true);
    expect(text(refused)).toContain('create_jira_issue was not run: the approval policy requires');
    expect(text(refused)).toContain('create_jira_issue needs approval by default');
    expect(text(refused)).toContain('TOOL_APPROVAL_NEVER=create_jira_issue');
    expect(refused._meta?.[TOOL_ERROR_META_KEY]).toBe('approval_required');
    expect(sample.created.length).toBe(before);
  });

  it('TOOL_APPROVAL=always refuses a tool that needs no approval by default, as a plain call and as an MCP task', async () => {
    const alwaysUrl = (await stack.startHttp({ approvals: { mode: 'always', always: [], never: [] } })).url;
    const always = await connectModernClient(alwaysUrl);
    try {
      const refused = await call(always, 'get_ip', {});
      expect(refused.isError).toBe(true);
      expect(text(refused)).toContain('get_ip was not run: the approval policy requires a person');
      expect(text(refused)).toContain('TOOL_APPROVAL=always');
      // A client that declares MCP tasks gets the refusal too, not a task.
      const asTask = await taskClient(() => alwaysUrl).call('watch_ip', { every_seconds: 1, for_minutes: 0.05 });
      expect(asTask.result).toMatchObject({ isError: true, content: [{ type: 'text' }] });
      expect(asTask.result!.taskId).toBeUndefined();
      expect(asTask.result!.content[0].text).toContain('watch_ip was not run: the approval policy requires a person');
    } finally {
      await always.close();
    }
  });
});

describe('create_jira_issue, approval turned off for it', () => {
  it('a session without a Jira project gets a clear error saying to call set_jira_project first', async () => {
    current = sample;
    const tracked = await call(open, 'track_ip', {});
    expect(tracked.isError, text(tracked)).toBeFalsy();
    const r = await call(open, 'create_jira_issue', issue(data(tracked).session_id as string));
    expect(r.isError).toBe(true);
    expect(text(r)).toContain('No Jira project is set for this session: call set_jira_project first');
  });

  it('sample: files one issue in the session project, however often the same key repeats', async () => {
    current = sample;
    const before = sample.created.length;
    const session = await sessionWithProject(open, 'OPS');
    const args = issue(session);
    const key = `file-${randomUUID()}`;
    const first = await call(open, 'create_jira_issue', args, key);
    expect(first.isError, text(first)).toBeFalsy();
    expect(data(first)).toMatchObject({ project: 'OPS', summary: args.summary, session_id: session });
    expect(data(first).key).toMatch(/^OPS-\d+$/);
    expect(data(first).source).toContain('sample data');
    const again = await Promise.all([1, 2].map(() => call(open, 'create_jira_issue', args, key)));
    for (const r of again) expect(data(r).key).toBe(data(first).key);
    expect(sample.created.length).toBe(before + 1);
  });

  it('sample: an activity retried after its create went through files no second issue', async () => {
    current = sample;
    const before = sample.created.length;
    const session = await sessionWithProject(open, 'DEMO');
    failAfterCreate = 1;
    const r = await call(open, 'create_jira_issue', issue(session), `retry-${randomUUID()}`);
    expect(r.isError, text(r)).toBeFalsy();
    expect(failAfterCreate).toBe(0); // the first attempt did fail after filing
    expect(sample.created.length).toBe(before + 1);
  });

  it('Jira Cloud: POST /rest/api/3/issue once, across a lost answer (retried activity) and a repeated key', async () => {
    current = cloud;
    const before = fake.created.length;
    const session = await sessionWithProject(open, 'DEMO');
    const args = issue(session);
    const key = `cloud-${randomUUID()}`;
    fake.failCreates = 1; // the first create files the issue, then answers 500
    const first = await call(open, 'create_jira_issue', args, key);
    expect(first.isError, text(first)).toBeFalsy();
    expect(fake.failCreates).toBe(0);
    const again = await call(open, 'create_jira_issue', args, key);
    expect(data(again).key).toBe(data(first).key);

    const filed = fake.created.slice(before);
    expect(filed).toHaveLength(1);
    expect(data(first)).toMatchObject({ key: filed[0]!.key, project: 'DEMO', summary: args.summary });
    expect(filed[0]).toMatchObject({ summary: args.summary, issuetype: 'Task' });
    expect(filed[0]!.labels).toEqual([expect.stringMatching(/^durable-mcp-[0-9a-f]{32}$/)]);
    expect(filed[0]!.description).toEqual({
      type: 'doc',
      version: 1,
      content: ['Users lose the VPN hourly.', 'Since Monday.', 'IP: 203.0.113.7'].map((line) => ({
        type: 'paragraph',
        content: [{ type: 'text', text: line }],
      })),
    });
  });
});
