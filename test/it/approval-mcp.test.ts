/**
 * Approvals over MCP (issue 27.4): the IT server asks the client before create_jira_issue runs.
 * - 2026-07-28, SDK v2 client with an elicitation handler: accept → exactly one issue; decline → a tool error, none.
 * - The question is a durable pending call: the answer (the retry with requestState) reaches another replica, or a
 *   replica started after the one that asked was closed, and is resumed there; a repeated retry files nothing more.
 * - A forged state, another caller's state, an expired one: -32602, nothing filed. Changed arguments: refused.
 * - A 2025-era (initialize) client that declared elicitation gets elicitation/create on its connection.
 * - A client that declared no elicitation gets the policy's tool error.
 * Real Temporal, the real IT worker with the sample Jira provider, real HTTP on loopback, real SDK clients.
 */
import { CallerLimitReached } from '../../shared/temporal/caller-limits';
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  Client as ModernClient,
  StreamableHTTPClientTransport as ModernHttpTransport,
  type CallToolResult,
} from '@modelcontextprotocol/client';
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot, type McpAuthConfig } from '../../shared/config';
import { SampleJiraProvider } from '../../tool-workers/it/jira/sample';
import { TOOL_ERROR_META_KEY } from '../../shared/tools/tool-error';
import { encodeApprovalState } from '../../mcp-servers/adapter/approvals';
import { PendingApprovals, pendingApprovalIdPrefix } from '../../shared/tools/pending-approval';
import { approvalDecisionQuery } from '../../shared/tools/pending-approval-workflow';
import { MODERN_PROTOCOL_VERSION, connectModernClient, modernRequest, postMcp } from '../support/mcp-client';
import { startItStack, type ItStack } from '../support/it-stack';

const sample = new SampleJiraProvider();
const ALICE = 'tok_alice_approvals_0123456789';
const BOB = 'tok_bob_approvals_0123456789ab';
const auth: McpAuthConfig = {
  staticTokens: [
    { subject: 'alice', token: ALICE, scopes: ['tools.read', 'tools.write'] },
    { subject: 'bob', token: BOB, scopes: ['tools.read', 'tools.write'] },
  ],
};

let stack: ItStack;
let url: string;
beforeAll(async () => {
  stack = await startItStack({ deps: { jira: sample } });
  url = (await stack.startHttp()).url;
});
afterAll(async () => {
  await stack?.close();
});

type Answer = { action: 'accept' | 'decline' | 'cancel'; content?: Record<string, unknown> };

/** The SDK v2 client at 2026-07-28 that declares form elicitation and answers every question with `answer`. */
async function askingClient(target: string, answer: Answer, seen: string[] = []): Promise<ModernClient> {
  const client = new ModernClient(
    { name: 'approving-client', version: '1.0.0' },
    {
      versionNegotiation: { mode: { pin: MODERN_PROTOCOL_VERSION } },
      capabilities: { elicitation: { form: {} } },
    },
  );
  client.setRequestHandler('elicitation/create', async (request) => {
    seen.push((request.params as { message: string }).message);
    return answer as never;
  });
  await client.connect(new ModernHttpTransport(new URL(target)));
  return client;
}

const text = (r: { content?: unknown }) => ((r.content as { text: string }[])[0]?.text ?? '') as string;

async function sessionWithProject(client: ModernClient, project: string): Promise<string> {
  const set = (await client.callTool({ name: 'set_jira_project', arguments: { project } })) as CallToolResult;
  expect(set.isError, text(set)).toBeFalsy();
  return (set.structuredContent as { session_id: string }).session_id;
}

const issue = (session_id: string) => ({
  summary: `Printer on fire ${randomUUID().slice(0, 8)}`,
  description: 'Smoke from the 3rd floor printer.',
  session_id,
});

const filed = (summary: string) => sample.created.filter((i) => i.summary === summary);

/** A raw 2026-07-28 tools/call, as curl sends it; `caps` are the client capabilities it declares. */
async function rawCall(
  target: string,
  params: Record<string, unknown>,
  opts: { token?: string; caps?: Record<string, unknown> } = {},
) {
  const { body, headers } = modernRequest('tools/call', params);
  (body.params._meta as Record<string, unknown>)['io.modelcontextprotocol/clientCapabilities'] = opts.caps ?? {
    elicitation: { form: {} },
  };
  const res = await postMcp(target, body, {
    ...headers,
    ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
  });
  expect(res.status, res.text).toBe(200);
  return res.json as { result?: any; error?: { code: number; message: string } };
}

const accepted = { approval: { action: 'accept', content: { approve: true } } };

describe('2026-07-28: the server asks with an InputRequiredResult', () => {
  it('a client whose handler accepts files exactly one issue; the question shows the call', async () => {
    const seen: string[] = [];
    const client = await askingClient(url, { action: 'accept', content: { approve: true, reason: 'fine' } }, seen);
    try {
      const args = issue(await sessionWithProject(client, 'OPS'));
      const r = (await client.callTool({ name: 'create_jira_issue', arguments: args })) as CallToolResult;
      expect(r.isError, text(r)).toBeFalsy();
      expect(r.structuredContent).toMatchObject({ project: 'OPS', summary: args.summary });
      expect(seen).toHaveLength(1);
      expect(seen[0]).toContain(`Approve create_jira_issue {"summary":"${args.summary}"`);
      expect(filed(args.summary)).toHaveLength(1);
    } finally {
      await client.close();
    }
  });

  it('a client whose handler declines gets a tool error saying so, with the reason; nothing is filed', async () => {
    const client = await askingClient(url, { action: 'decline' });
    const no = await askingClient(url, { action: 'accept', content: { approve: false, reason: 'not today' } });
    try {
      const args = issue(await sessionWithProject(client, 'OPS'));
      const declined = (await client.callTool({ name: 'create_jira_issue', arguments: args })) as CallToolResult;
      expect(declined.isError).toBe(true);
      expect(text(declined)).toBe('create_jira_issue was not run: the user declined the approval. Nothing was done.');
      expect(declined._meta?.[TOOL_ERROR_META_KEY]).toBe('approval_declined');
      // An accepted form that says approve: false is a decline too.
      const unticked = (await no.callTool({ name: 'create_jira_issue', arguments: args })) as CallToolResult;
      expect(unticked.isError).toBe(true);
      expect(text(unticked)).toContain('the user declined the approval: not today');
      expect(filed(args.summary)).toHaveLength(0);
    } finally {
      await client.close();
      await no.close();
    }
  });

  it('without inputResponses the same state asks again; extra response keys are ignored', async () => {
    const client = await connectModernClient(url);
    try {
      const args = issue(await sessionWithProject(client, 'OPS'));
      const first = await rawCall(url, { name: 'create_jira_issue', arguments: args });
      expect(first.result.resultType).toBe('input_required');
      const again = await rawCall(url, {
        name: 'create_jira_issue',
        arguments: args,
        requestState: first.result.requestState,
      });
      expect(again.result, JSON.stringify(again)).toMatchObject({
        resultType: 'input_required',
        requestState: first.result.requestState,
      });
      const done = await rawCall(url, {
        name: 'create_jira_issue',
        arguments: args,
        requestState: first.result.requestState,
        inputResponses: { ...accepted, unrelated: { action: 'decline' } },
      });
      expect(done.result.isError, JSON.stringify(done.result)).toBeFalsy();
      expect(filed(args.summary)).toHaveLength(1);
    } finally {
      await client.close();
    }
  });
});

describe('docs/approvals.md', () => {
  it('the curl wire of "Over MCP" runs as written: the question, then the retry with the answer files one issue', async () => {
    const page = readFileSync(path.join(projectRoot, 'docs', 'approvals.md'), 'utf8');
    const block = /<!-- readme-curl:approval -->\n```bash\n([\s\S]*?)```/.exec(page)?.[1];
    expect(block).toBeTruthy();
    // The definitions as written; the two calls with what the comments elide filled in.
    const lines = block!.split('\n');
    const defs = lines.filter((l) => !l.startsWith('call ') && !l.trim().startsWith('#')).join('\n');
    const retry = lines.find((l) => l.startsWith('call \',"requestState"'))!.replace(/ +#.*$/, '');
    const client = await connectModernClient(url);
    const session = await sessionWithProject(client, 'DEMO');
    await client.close();
    const pre = `MCP=${url} V=${MODERN_PROTOCOL_VERSION} SESSION=${session}\n${defs}\n`;
    const bash = async (script: string) =>
      JSON.parse((await promisify(execFile)('bash', ['-c', pre + script], { encoding: 'utf8' })).stdout);
    const asked = await bash("call ''");
    expect(asked.result).toMatchObject({
      resultType: 'input_required',
      inputRequests: { approval: { method: 'elicitation/create' } },
    });
    const done = await bash(retry.replace(/eyJ2IjoxLCJpZCI6…/, asked.result.requestState));
    expect(done.result.structuredContent).toMatchObject({ project: 'DEMO', summary: 'VPN drops', session_id: session });
    expect(
      sample.created.filter((i) => i.summary === 'VPN drops' && i.key === done.result.structuredContent.key),
    ).toHaveLength(1);
  });
});

describe('the question is durable: any replica resumes it', () => {
  it('asked by replica A (then closed), answered on replica B; a repeated retry files nothing more', async () => {
    const a = await stack.startHttp();
    const b = await stack.startHttp();
    const manual = new ModernClient(
      { name: 'manual', version: '1.0.0' },
      {
        versionNegotiation: { mode: { pin: MODERN_PROTOCOL_VERSION } },
        capabilities: { elicitation: { form: {} } },
        inputRequired: { autoFulfill: false },
      },
    );
    await manual.connect(new ModernHttpTransport(new URL(a.url)));
    const args = issue(await sessionWithProject(manual, 'OPS'));
    const asked = (await manual.callTool(
      { name: 'create_jira_issue', arguments: args },
      { allowInputRequired: true },
    )) as unknown as { resultType: string; requestState: string; inputRequests: Record<string, any> };
    await manual.close();
    expect(asked.resultType).toBe('input_required');
    expect(asked.inputRequests.approval).toMatchObject({
      method: 'elicitation/create',
      params: { mode: 'form', requestedSchema: { required: ['approve'] } },
    });
    await a.close(); // the replica that asked is gone
    expect(filed(args.summary)).toHaveLength(0);

    const retry = {
      name: 'create_jira_issue',
      arguments: args,
      requestState: asked.requestState,
      inputResponses: accepted,
    };
    const onB = await rawCall(b.url, retry);
    expect(onB.result.isError, JSON.stringify(onB.result)).toBeFalsy();
    expect(onB.result.structuredContent).toMatchObject({ summary: args.summary });
    // The retry retried (its answer lost, say), on yet another replica: the same issue, not a second one.
    const c = await stack.startHttp();
    const again = await rawCall(c.url, retry);
    expect(again.result.structuredContent.key).toBe(onB.result.structuredContent.key);
    expect(filed(args.summary)).toHaveLength(1);
  });
});

describe('states that are not the caller’s to resume are refused; nothing runs', () => {
  it('forged, another caller’s, or expired: -32602; changed arguments: a tool error', async () => {
    const authed = (await stack.startHttp({ auth: { config: auth }, approvalExpiryMs: 1000 })).url;
    const alice = await connectModernClient(authed, { token: ALICE });
    try {
      const args = issue(await sessionWithProject(alice, 'OPS'));
      const ask = () => rawCall(authed, { name: 'create_jira_issue', arguments: args }, { token: ALICE });
      const asked = (await ask()).result;
      expect(asked.resultType).toBe('input_required');
      const retry = (state: string, token: string, a: Record<string, unknown> = args) =>
        rawCall(
          authed,
          { name: 'create_jira_issue', arguments: a, requestState: state, inputResponses: accepted },
          { token },
        );

      // Forged: not a state this server issued; and one naming a made-up pending call of Alice's.
      for (const forged of [
        `${asked.requestState}x`,
        encodeApprovalState(`${pendingApprovalIdPrefix('alice')}${'0'.repeat(32)}`),
      ]) {
        const r = await retry(forged, ALICE);
        expect(r.error, JSON.stringify(r)).toMatchObject({ code: -32602, message: 'Invalid or expired requestState' });
      }
      // Bob replays Alice's state (with her arguments: her session is hers, but the state is refused first).
      const bob = await retry(asked.requestState, BOB);
      expect(bob.error).toMatchObject({ code: -32602 });

      // Changed arguments on the retry: refused, and the question stays open for the original ones.
      const changed = await retry(asked.requestState, ALICE, { ...args, summary: `${args.summary} (edited)` });
      expect(changed.result).toMatchObject({ isError: true, _meta: { [TOOL_ERROR_META_KEY]: 'approval_mismatch' } });
      expect(changed.result.content[0].text).toContain('cannot change between the question and the answer');

      // Expired: this server's questions wait 1 s (TOOL_APPROVAL_EXPIRY_MS=1000).
      const fresh = (await ask()).result;
      const { id } = JSON.parse(Buffer.from(fresh.requestState, 'base64url').toString()) as { id: string };
      const handle = stack.client.workflow.getHandle(id);
      expect((await handle.result()).decision).toBe('expired');
      const late = await retry(fresh.requestState, ALICE);
      expect(late.error).toMatchObject({ code: -32602, message: 'Invalid or expired requestState' });
      expect(filed(args.summary)).toHaveLength(0);
    } finally {
      await alice.close();
    }
  });
});

describe('the pending call', () => {
  it('a second answer gets the first decision back', async () => {
    const pending = new PendingApprovals({ client: stack.client, taskQueue: stack.taskQueue, expiryMs: 60_000 });
    const id = await pending.start(
      { caller: 'carol' },
      { tool: 'create_jira_issue', argumentsDigest: 'd', question: 'q?' },
    );
    expect(id.startsWith(pendingApprovalIdPrefix('carol'))).toBe(true);
    expect(await stack.client.workflow.getHandle(id).query(approvalDecisionQuery)).toBeNull();
    const first = await pending.answer(id, { action: 'decline', by: 'carol', reason: 'no' });
    const second = await pending.answer(id, { action: 'accept', by: 'carol' });
    expect(first).toMatchObject({ decision: 'declined', by: 'carol', reason: 'no' });
    expect(second).toEqual(first);
    await expect(pending.find(id, { caller: 'dave' })).rejects.toThrow('names no pending approval of this caller');
    expect((await pending.find(id, { caller: 'carol' })).decision).toEqual(first);
  });
});

describe('the pending calls of one caller are bounded', () => {
  it('past MCP_MAX_PENDING_APPROVALS_PER_CALLER a new question is refused, naming the setting; others are not held up', async () => {
    const limit = {
      max: 2,
      what: 'approval questions waiting for an answer',
      setting: 'MCP_MAX_PENDING_APPROVALS_PER_CALLER',
    };
    const pending = new PendingApprovals({ client: stack.client, taskQueue: stack.taskQueue, expiryMs: 60_000, limit });
    const call = { tool: 'create_jira_issue', argumentsDigest: 'd', question: 'q?' };
    const ids = [await pending.start({ caller: 'erin' }, call), await pending.start({ caller: 'erin' }, call)];
    // Visibility is eventually consistent: the count catches up with the two starts within moments.
    let refused: unknown;
    for (let i = 0; i < 50 && !refused; i++) {
      refused = await pending.start({ caller: 'erin' }, call).then(
        (extra) => (ids.push(extra), undefined),
        (err: unknown) => err,
      );
      if (!refused) await new Promise((r) => setTimeout(r, 100));
    }
    expect(refused).toBeInstanceOf(CallerLimitReached);
    expect((refused as Error).message).toContain('MCP_MAX_PENDING_APPROVALS_PER_CALLER');
    expect(await pending.start({ caller: 'frank' }, call)).toMatch(pendingApprovalIdPrefix('frank'));
    // An answered question no longer counts.
    for (const id of ids) await pending.answer(id, { action: 'decline', by: 'erin' });
    let again: string | undefined;
    for (let i = 0; i < 50 && !again; i++) {
      again = await pending.start({ caller: 'erin' }, call).catch(() => undefined);
      if (!again) await new Promise((r) => setTimeout(r, 100));
    }
    expect(again).toMatch(pendingApprovalIdPrefix('erin'));
  });
});

describe('2025-era and clients that cannot be asked', () => {
  it('a 2025-era HTTP session (SDK v1 client) that declared elicitation gets elicitation/create; accept files one issue, decline none', async () => {
    const answers: Answer[] = [{ action: 'accept', content: { approve: true } }, { action: 'decline' }];
    const asked: string[] = [];
    const client = new LegacyClient({ name: 'legacy-approver', version: '1' }, { capabilities: { elicitation: {} } });
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(request.params.message);
      return answers.shift()!;
    });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    try {
      const set = await client.callTool({ name: 'set_jira_project', arguments: { project: 'OPS' } });
      expect(set.isError, JSON.stringify(set)).toBeFalsy();
      const yes = { summary: `Badge reader down ${randomUUID().slice(0, 8)}`, description: 'Door 4.' };
      const r = await client.callTool({ name: 'create_jira_issue', arguments: yes });
      expect(r.isError, JSON.stringify(r)).toBeFalsy();
      expect(asked[0]).toContain(`Approve create_jira_issue {"summary":"${yes.summary}"`);
      expect(filed(yes.summary)).toHaveLength(1);

      const no = { summary: `Coffee machine ${randomUUID().slice(0, 8)}`, description: 'Empty.' };
      const declined = await client.callTool({ name: 'create_jira_issue', arguments: no });
      expect(declined.isError).toBe(true);
      expect((declined.content as { text: string }[])[0]!.text).toContain('the user declined the approval');
      expect(asked).toHaveLength(2);
      expect(filed(no.summary)).toHaveLength(0);
    } finally {
      await client.close();
    }
  });

  it('a 2025-era HTTP session that declared no elicitation gets the policy’s tool error', async () => {
    const client = new LegacyClient({ name: 'legacy-plain', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    try {
      await client.callTool({ name: 'set_jira_project', arguments: { project: 'OPS' } });
      const args = { summary: `Unasked ${randomUUID().slice(0, 8)}`, description: 'x' };
      const r = await client.callTool({ name: 'create_jira_issue', arguments: args });
      expect(r.isError).toBe(true);
      expect((r.content as { text: string }[])[0]!.text).toContain('TOOL_APPROVAL_NEVER=create_jira_issue');
      expect(filed(args.summary)).toHaveLength(0);
    } finally {
      await client.close();
    }
  });

  it('a 2025-era client (stdio, initialize) that declared elicitation gets elicitation/create; accept files one issue', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [path.join(projectRoot, 'bin', 'mcp-it.mjs'), '--transport', 'stdio'],
      cwd: mkdtempSync(path.join(tmpdir(), 'approval-stdio-')),
      env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ENV_FILE: '/nonexistent', ...stack.env },
      stderr: 'pipe',
    });
    const client = new LegacyClient({ name: 'desktop-like', version: '1' }, { capabilities: { elicitation: {} } });
    const asked: string[] = [];
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(request.params.message);
      return { action: 'accept', content: { approve: true } };
    });
    await client.connect(transport);
    try {
      await client.callTool({ name: 'set_jira_project', arguments: { project: 'OPS' } });
      const args = { summary: `Desk phone dead ${randomUUID().slice(0, 8)}`, description: 'No dial tone.' };
      const r = await client.callTool({ name: 'create_jira_issue', arguments: args });
      expect(r.isError, JSON.stringify(r)).toBeFalsy();
      expect(asked).toHaveLength(1);
      expect(asked[0]).toContain(`Approve create_jira_issue {"summary":"${args.summary}"`);
      expect(filed(args.summary)).toHaveLength(1);
    } finally {
      await client.close();
    }
  });

  it('a client that declared no elicitation gets the policy’s tool error; nothing is filed', async () => {
    const plain = await connectModernClient(url);
    try {
      const args = issue(await sessionWithProject(plain, 'OPS'));
      const r = (await plain.callTool({ name: 'create_jira_issue', arguments: args })) as CallToolResult;
      expect(r.isError).toBe(true);
      expect(text(r)).toContain('create_jira_issue was not run: the approval policy requires');
      expect(text(r)).toContain('TOOL_APPROVAL_NEVER=create_jira_issue');
      expect(r._meta?.[TOOL_ERROR_META_KEY]).toBe('approval_required');
      // The same over curl with no capabilities declared.
      const raw = await rawCall(url, { name: 'create_jira_issue', arguments: args }, { caps: {} });
      expect(raw.result).toMatchObject({ isError: true, _meta: { [TOOL_ERROR_META_KEY]: 'approval_required' } });
      expect(filed(args.summary)).toHaveLength(0);
    } finally {
      await plain.close();
    }
  });
});
