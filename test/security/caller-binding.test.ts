/**
 * Every durable id a caller can name is bound to that caller (issue: idempotency keys were shared across callers).
 * Two identities with real tokens over HTTP × every id kind × {read, write, reuse with the same arguments, reuse with
 * other arguments}: Bob never gets Alice's data, never learns that her id exists (his answer for her id is the answer
 * for an id that never existed), and never blocks her; Alice's own retries get her own results, byte for byte.
 */
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { McpAuthConfig } from '../../shared/config';
import { itSessionWorkflowId } from '../../tool-workers/it/sessions';
import { callerScope } from '../../shared/caller-scope';
import { keyedWorkflowId } from '../../shared/tools/workflow-runner';
import type { RunningHttpServer } from '../../mcp-servers/transports/http';
import { startFinanceStack, type FinanceStack } from '../support/finance-stack';
import { startItStack, type ItStack } from '../support/it-stack';
import { modernRequest, postMcp, toolCall } from '../support/mcp-client';
import { testConfig } from '../support/temporal';
import { Conversations, conversationInput } from '../../orchestrator/conversations';

const ALICE = 'tok_alice_binding_0123456789';
const BOB = 'tok_bob_binding_0123456789ab';
const auth: McpAuthConfig = {
  staticTokens: [
    { subject: 'alice', token: ALICE, scopes: ['tools.read', 'tools.write'] },
    { subject: 'bob', token: BOB, scopes: ['tools.read', 'tools.write'] },
  ],
};

let finance: FinanceStack;
let it2: ItStack;
let itHttp: RunningHttpServer;
beforeAll(async () => {
  finance = await startFinanceStack({ auth: { config: auth } });
  it2 = await startItStack();
  itHttp = await it2.startHttp({ auth: { config: auth } });
});
afterAll(async () => {
  await it2?.close();
  await finance?.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const unique = (label: string) => `${label}-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`;

/** A 2026-07-28 tools/call as `token`, raw, returning the whole JSON-RPC answer text and its parsed form. */
async function call(
  url: string,
  token: string,
  name: string,
  args: Record<string, unknown>,
  meta: Record<string, unknown> = {},
) {
  const { body, headers } = modernRequest('tools/call', { name, arguments: args, _meta: meta });
  const res = await postMcp(url, body, { ...headers, ...bearer(token) });
  expect(res.status, res.text).toBe(200);
  return {
    text: res.text,
    result: res.json.result as { isError?: boolean; structuredContent?: any; content: { text: string }[] },
  };
}

/** Bob's answer, with the id he was given written as X: the same for Alice's id as for one that never existed. */
const shape = (text: string, id: string) => text.replaceAll(id, 'X');

describe('idempotency keys are per caller', () => {
  it('finance: same key, same arguments → separate executions; other arguments → no conflict for Bob; conflicts name only the own key', async () => {
    const key = unique('shared-key');
    const aliceArgs = { principal: 1111, annual_rate: 0.07, years: 3 };
    const bobArgs = { principal: 2222, annual_rate: 0.03, years: 5 };

    const aliceFirst = await call(finance.url, ALICE, 'calculate_roi', aliceArgs, { idempotencyKey: key });
    // Bob reuses her key with her arguments: his own execution, not hers.
    const bobSame = await call(finance.url, BOB, 'calculate_roi', aliceArgs, { idempotencyKey: key });
    expect(bobSame.result.structuredContent).toEqual(aliceFirst.result.structuredContent); // same maths, different runs
    const workflows = new Client({
      connection: finance.client.connection,
      namespace: testConfig().temporal.namespaces.finance,
    });
    const aliceRun = await workflows.workflow.getHandle(keyedWorkflowId('calculate_roi', 'alice', key)).describe();
    const bobRun = await workflows.workflow.getHandle(keyedWorkflowId('calculate_roi', 'bob', key)).describe();
    expect(aliceRun.memo?.caller).toBe('alice');
    expect(bobRun.memo?.caller).toBe('bob');
    expect(bobRun.runId).not.toBe(aliceRun.runId);

    // Bob reuses his key (which is also hers) with other arguments: the conflict names only his own key and arguments.
    const bobOther = await call(finance.url, BOB, 'calculate_roi', bobArgs, { idempotencyKey: key });
    expect(bobOther.result.isError).toBe(true);
    expect(bobOther.result.content[0]!.text).toBe(
      `idempotency key ${JSON.stringify(key)} was already used for calculate_roi with different arguments`,
    );
    expect(bobOther.text).not.toMatch(/1111|alice/);

    // A key only Alice used: Bob with other arguments is simply his first use.
    const aliceOnly = unique('alice-only');
    await call(finance.url, ALICE, 'calculate_roi', aliceArgs, { idempotencyKey: aliceOnly });
    const bobFresh = await call(finance.url, BOB, 'calculate_roi', bobArgs, { idempotencyKey: aliceOnly });
    expect(bobFresh.result.isError).toBeUndefined();
    expect(bobFresh.result.structuredContent.principal).toBe(2222);

    // Alice's retries get her own stored result, byte for byte, and her key was never claimed by Bob.
    const aliceRetry = await call(finance.url, ALICE, 'calculate_roi', aliceArgs, { idempotencyKey: key });
    expect(aliceRetry.text).toBe(aliceFirst.text);
    const aliceConflict = await call(finance.url, ALICE, 'calculate_roi', bobArgs, { idempotencyKey: key });
    expect(aliceConflict.result.content[0]!.text).toMatch(/already used for calculate_roi/);
    expect(aliceConflict.text).not.toMatch(/2222|bob/);
  });

  it('IT: a keyed track_ip by Bob never reuses the lookup or write Alice made with the same key', async () => {
    const key = unique('ip-key');
    const alice = await call(itHttp.url, ALICE, 'track_ip', {}, { idempotencyKey: key });
    const aliceAgain = await call(itHttp.url, ALICE, 'track_ip', {}, { idempotencyKey: key });
    // Her retry opened no second session and recorded nothing twice.
    expect(aliceAgain.result.structuredContent.session_id).toBe(alice.result.structuredContent.session_id);
    expect(aliceAgain.result.structuredContent.history_length).toBe(1);
    const bob = await call(itHttp.url, BOB, 'track_ip', {}, { idempotencyKey: key });
    expect(bob.result.structuredContent.session_id).not.toBe(alice.result.structuredContent.session_id);
    expect(bob.result.structuredContent.history_length).toBe(1); // his own session, with his own first entry
    expect(bob.text).not.toContain(alice.result.structuredContent.session_id);
    const aliceHistory = await call(itHttp.url, ALICE, 'get_ip_history', {
      session_id: alice.result.structuredContent.session_id,
    });
    expect(aliceHistory.result.structuredContent.total_tracked).toBe(1);
  });
});

describe('IT handles are per caller', () => {
  it.each([
    ['read', 'get_ip_history', {}],
    ['read', 'get_jira_metrics', {}],
    ['write', 'set_jira_project', { project: 'OPS' }],
    ['write', 'track_ip', {}],
    ['reuse with the same arguments', 'set_jira_project', { project: 'DATA' }],
    ['reuse with other arguments', 'set_jira_project', { project: 'WEB' }],
    ['close', 'close_session', {}],
  ] as const)('%s (%s): Bob gets exactly the never-existed answer; Alice keeps her state', async (_op, tool, args) => {
    const aliceSession = (await call(itHttp.url, ALICE, 'set_jira_project', { project: 'DATA' })).result
      .structuredContent.session_id as string;
    const never = 'Zz' + aliceSession.slice(2);
    const onHers = await call(itHttp.url, BOB, tool, { ...args, session_id: aliceSession });
    const onNone = await call(itHttp.url, BOB, tool, { ...args, session_id: never });
    expect(onHers.result.isError).toBe(true);
    expect(shape(onHers.text, aliceSession)).toBe(shape(onNone.text, never));
    expect(onHers.text).not.toMatch(/DATA|alice/);
    const still = await call(itHttp.url, ALICE, 'get_jira_metrics', { session_id: aliceSession });
    expect(still.result.structuredContent.project).toBe('DATA');
    expect(
      (await call(itHttp.url, ALICE, 'get_ip_history', { session_id: aliceSession })).result.structuredContent
        .total_tracked,
    ).toBe(0);
  });

  it('2025-era Mcp-Session-Id: read, write and DELETE by Bob get the unknown-session answer', async () => {
    const init = async (token: string) => {
      const res = await postMcp(
        itHttp.url,
        {
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'm', version: '1' } },
        },
        bearer(token),
      );
      return res.headers.get('mcp-session-id')!;
    };
    const aliceSession = await init(ALICE);
    const headers = (token: string, id: string) => ({
      ...bearer(token),
      'mcp-session-id': id,
      'mcp-protocol-version': '2025-11-25',
    });
    await postMcp(itHttp.url, toolCall('set_jira_project', { project: 'MOBILE' }), headers(ALICE, aliceSession));
    for (const [name, args] of [
      ['get_ip_history', {}],
      ['set_jira_project', { project: 'MOBILE' }],
      ['set_jira_project', { project: 'OPS' }],
    ] as const) {
      const hers = await postMcp(itHttp.url, toolCall(name, args), headers(BOB, aliceSession));
      const none = await postMcp(itHttp.url, toolCall(name, args), headers(BOB, 'never-existed-session-id'));
      expect(hers.status).toBe(404);
      expect(hers.text).toBe(none.text);
    }
    const del = await fetch(itHttp.url, { method: 'DELETE', headers: headers(BOB, aliceSession) });
    expect(del.status).toBe(404);
    const mine = await postMcp(itHttp.url, toolCall('get_jira_metrics', {}), headers(ALICE, aliceSession));
    expect(mine.json.result.structuredContent.project).toBe('MOBILE');
  });
});

describe('conversation ids are per user', () => {
  it("resuming another user's conversation gets exactly the never-existed answer; the owner resumes it", async () => {
    const config = testConfig();
    const client = new Client({
      connection: it2.client.connection,
      namespace: config.temporal.namespaces.orchestrator,
    });
    const taskQueue = `caller-binding-${Date.now()}`; // no worker: starting and describing need none
    const as = (user: string) => new Conversations(client, taskQueue, conversationInput(config.orchestrator, { user }));
    const alice = as('alice');
    const bob = as('bob');
    const started = await alice.start();
    try {
      expect(started.workflowId).toMatch(new RegExp(`^conversation-${callerScope('alice')}-[0-9a-f-]{36}$`));
      const uuid = started.workflowId.slice(`conversation-${callerScope('alice')}-`.length);
      expect((await alice.resume(started.workflowId)).workflowId).toBe(started.workflowId);
      expect((await alice.resume(uuid)).workflowId).toBe(started.workflowId);

      const refusal = async (id: string) => {
        const err = await bob.resume(id).then(
          () => undefined,
          (e: Error) => e,
        );
        expect(err?.name).toBe('WorkflowNotFoundError');
        return err!.message.replaceAll(id, 'X');
      };
      const never = await refusal(`conversation-${callerScope('alice')}-00000000-0000-4000-8000-000000000000`);
      expect(await refusal(started.workflowId)).toBe(never);
      expect(await refusal(uuid)).toBe(never); // his uuid space: the uuid alone names nothing of hers
      expect(never).not.toMatch(/alice|RUNNING/);
    } finally {
      await started.terminate('test done');
    }
  });
});

describe('ids never spell out a subject or a key', () => {
  it('workflow ids carry hashes of the caller and of the key', () => {
    const id = keyedWorkflowId('calculate_roi', 'alice@example.com', 'my-order-42');
    expect(id).toMatch(/^calculate_roi-[0-9a-f]{32}-[0-9a-f]{32}$/);
    expect(id).not.toMatch(/alice|order/);
    expect(callerScope('alice')).not.toBe(callerScope('bob'));
    expect(itSessionWorkflowId('h', 'alice')).toBe(`it-session-${callerScope('alice')}-h`);
  });
});
