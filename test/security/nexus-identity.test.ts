/**
 * Nexus callers live in an identity space of their own (issue 26, item 4): `nexus:<caller namespace>[:<name>]`, the
 * namespace from the link the caller's Temporal server adds to the request, the name from the caller header. So a
 * workflow in an allowed caller namespace that names an MCP caller in `x-durable-mcp-caller` reaches nothing of
 * theirs, a Nexus call without a name is not the anonymous MCP caller, and the orchestrator's conversations run as
 * their own chat user. Real Temporal, real IT worker and Nexus endpoint, real MCP over HTTP with static tokens.
 */
import { Client } from '@temporalio/client';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { McpAuthConfig } from '../../shared/config';
import { callerScope } from '../../shared/caller-scope';
import { connectWorker } from '../../shared/temporal/connection';
import { CALLER_HEADER } from '../../shared/tools/nexus-service';
import type { RunningHttpServer } from '../../mcp-servers/transports/http';
import { itSessionWorkflowId } from '../../tool-workers/it/sessions';
import { conversationInput, type ConversationHandle } from '../../orchestrator/conversations';
import { NEXUS_IDENTITY_MEMO } from '../../orchestrator/contract/conversation';
import { startOrchestratorStack, type OrchestratorStack } from '../support/orchestrator-stack';
import { modernRequest, postMcp } from '../support/mcp-client';
import { prebuiltBundle, testConfig, uniqueTaskQueue } from '../support/temporal';
import type { NexusCallInput, NexusCallOutcome } from './nexus-caller/workflows';

const ALICE = 'tok_alice_nexus_identity_0123';
const auth: McpAuthConfig = {
  staticTokens: [{ subject: 'alice', token: ALICE, scopes: ['tools.read', 'tools.write'] }],
};
const USER = 'nexus-identity-user';
const callerNamespace = testConfig().temporal.namespaces.orchestrator;

let stack: OrchestratorStack;
let aliceHttp: RunningHttpServer;
let callers: {
  worker: Worker;
  running: Promise<void>;
  connection: NativeConnection;
  client: Client;
  taskQueue: string;
};

beforeAll(async () => {
  stack = await startOrchestratorStack({ input: { model: 'offline', user: USER } });
  aliceHttp = await stack.it.startHttp({ auth: { config: auth } });
  const taskQueue = uniqueTaskQueue('nexus-caller');
  const connection = await connectWorker(testConfig().temporal);
  const worker = await Worker.create({
    connection,
    namespace: callerNamespace,
    taskQueue,
    workflowBundle: { codePath: prebuiltBundle('nexus-caller') },
  });
  callers = {
    worker,
    running: worker.run(),
    connection,
    client: new Client({ connection: stack.client.connection, namespace: callerNamespace }),
    taskQueue,
  };
});
afterAll(async () => {
  callers?.worker.shutdown();
  await callers?.running;
  await callers?.connection.close();
  await stack?.close();
});

const nexus = () => ({ toolTransport: 'nexus' as const, nexusEndpoints: stack.nexusEndpoints });

/** A 2026-07-28 tools/call on an IT MCP server, as `token` or anonymously. */
async function mcpCall(url: string, name: string, args: Record<string, unknown>, token?: string) {
  const { body, headers } = modernRequest('tools/call', { name, arguments: args });
  const res = await postMcp(url, body, { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) });
  expect(res.status, res.text).toBe(200);
  return res.json.result as { isError?: boolean; structuredContent?: any; content: { text: string }[] };
}

/** One IT operation from a workflow in the orchestrator's namespace that sends these Nexus headers. */
function nexusCall(operation: string, input: unknown, headers: Record<string, string> = {}): Promise<NexusCallOutcome> {
  return callers.client.workflow.execute('nexusCallWorkflow', {
    taskQueue: callers.taskQueue,
    workflowId: `nexus-identity-${operation}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
    args: [{ endpoint: stack.nexusEndpoints.it, service: 'it', operation, input } satisfies NexusCallInput],
    memo: { headers },
  });
}

describe('Nexus callers are kept apart from MCP callers', () => {
  it("a workflow that names an MCP caller in the caller header reaches none of that caller's sessions", async () => {
    const opened = await mcpCall(aliceHttp.url, 'track_ip', {}, ALICE);
    const handle = opened.structuredContent.session_id as string;
    const forged = { [CALLER_HEADER]: 'alice' };

    for (const [operation, input] of [
      ['get_ip_history', { session_id: handle }],
      ['track_ip', { session_id: handle }],
      ['close_session', { session_id: handle }],
    ] as const) {
      const outcome = await nexusCall(operation, input, forged);
      expect(outcome, operation).toEqual({ ok: false, type: 'NOT_FOUND', message: expect.stringContaining(handle) });
    }

    // Alice's session is untouched: still open, with only her own entry.
    const hers = await mcpCall(aliceHttp.url, 'get_ip_history', { session_id: handle }, ALICE);
    expect(hers.isError).toBeUndefined();
    expect(hers.structuredContent.total_tracked).toBe(1);
    // What the forged call did open is its own: in the namespace-scoped space, never in Alice's.
    const own = await nexusCall('track_ip', {}, forged);
    expect(own.ok).toBe(true);
    const ownHandle = (own as { result: { session_id: string } }).result.session_id;
    const ownSession = await stack.it.client.workflow
      .getHandle(itSessionWorkflowId(ownHandle, `nexus:${callerNamespace}:alice`))
      .describe();
    expect(ownSession.memo?.owner).toBe(`nexus:${callerNamespace}:alice`);
    await expect(
      stack.it.client.workflow.getHandle(itSessionWorkflowId(ownHandle, 'alice')).describe(),
    ).rejects.toThrow(/not found/i);
  });

  it('a Nexus call that names no caller is not the anonymous MCP caller', async () => {
    const anonymous = await mcpCall(stack.itHttp.url, 'track_ip', {});
    const handle = anonymous.structuredContent.session_id as string;
    const outcome = await nexusCall('get_ip_history', { session_id: handle });
    expect(outcome).toEqual({ ok: false, type: 'NOT_FOUND', message: expect.stringContaining(handle) });
    // What it opens is the namespace's own, which the anonymous MCP caller in turn cannot reach.
    const own = await nexusCall('track_ip', {});
    const ownHandle = (own as { result: { session_id: string } }).result.session_id;
    const session = await stack.it.client.workflow
      .getHandle(itSessionWorkflowId(ownHandle, `nexus:${callerNamespace}`))
      .describe();
    expect(session.memo?.owner).toBe(`nexus:${callerNamespace}`);
    const fromAnon = await mcpCall(stack.itHttp.url, 'get_ip_history', { session_id: ownHandle });
    expect(fromAnon.isError).toBe(true);
  });

  it('a workflow that replaces the link to itself with one into another namespace is refused', async () => {
    const forgedLink =
      '<temporal:///namespaces/other-namespace/workflows/w/r/history?referenceType=EventReference&eventID=5&eventType=NexusOperationScheduled>; type="temporal.api.common.v1.Link.WorkflowEvent"';
    const outcome = await nexusCall('track_ip', {}, { 'nexus-link': forgedLink, [CALLER_HEADER]: 'alice' });
    expect(outcome).toEqual({ ok: false, type: 'BAD_REQUEST', message: expect.stringMatching(/another namespace/) });
  });

  it('a malformed caller name is refused, naming the header', async () => {
    const outcome = await nexusCall('track_ip', {}, { [CALLER_HEADER]: 'two words' });
    expect(outcome).toEqual({ ok: false, type: 'BAD_REQUEST', message: expect.stringContaining(CALLER_HEADER) });
  });
});

describe("the orchestrator's Nexus calls run as the conversation's user, not as anon", () => {
  it('an IT session a conversation opens over Nexus is its user’s, unreachable to an anonymous MCP caller', async () => {
    const conversations = stack.conversationsWith(nexus());
    const conversation = await conversations.start();
    const reply = await conversations.send(conversation, 'Track my IP address');
    expect(reply.toolCalls).toEqual([expect.objectContaining({ tool: 'track_ip', ok: true })]);
    const { itSessionId } = await conversations.transcript(conversation);
    expect(itSessionId).toBeTruthy();

    const owner = `nexus:${callerNamespace}:${USER}`;
    const session = await stack.it.client.workflow.getHandle(itSessionWorkflowId(itSessionId!, owner)).describe();
    expect(session.memo?.owner).toBe(owner);
    expect(session.workflowId).toContain(callerScope(owner));

    const anonymous = await mcpCall(stack.itHttp.url, 'get_ip_history', { session_id: itSessionId });
    expect(anonymous.isError).toBe(true);
    expect(anonymous.content[0]!.text).toMatch(/No open IT session/);
    await expect(stack.it.client.workflow.getHandle(itSessionWorkflowId(itSessionId!)).describe()).rejects.toThrow(
      /not found/i,
    );
  });

  it('a conversation started before its memo named a caller runs as the user it acts for', async () => {
    const handle = await stack.client.workflow.start('conversationWorkflow', {
      taskQueue: stack.taskQueue,
      workflowId: `conversation-nexus-identity-older-${Date.now()}`,
      args: [conversationInput(testConfig().orchestrator, { model: 'offline', user: 'older-user', ...nexus() })],
      memo: { [NEXUS_IDENTITY_MEMO]: { onBehalfOf: 'older-user' } },
    });
    const conversations = stack.conversationsWith(nexus());
    const reply = await conversations.send(handle as unknown as ConversationHandle, 'Track my IP address');
    expect(reply.toolCalls).toEqual([expect.objectContaining({ tool: 'track_ip', ok: true })]);
    const { itSessionId } = await conversations.transcript(handle as unknown as ConversationHandle);
    const owner = `nexus:${callerNamespace}:older-user`;
    const session = await stack.it.client.workflow.getHandle(itSessionWorkflowId(itSessionId!, owner)).describe();
    expect(session.memo?.owner).toBe(owner);
  });

  it('its keyed tool workflows are scoped and recorded as the user within the orchestrator namespace', async () => {
    const conversations = stack.conversationsWith(nexus());
    const conversation = await conversations.start();
    await conversations.send(conversation, 'What is the stock price of MSFT?');
    const owner = `nexus:${callerNamespace}:${USER}`;
    const found: { workflowId: string; memo?: Record<string, unknown> }[] = [];
    for await (const wf of stack.finance.client.workflow.list({
      query: `WorkflowType = 'stockPriceWorkflow' AND TaskQueue = '${stack.finance.taskQueue}'`,
    })) {
      found.push(wf);
    }
    expect(found.map((wf) => wf.memo)).toEqual([
      expect.objectContaining({ tool: 'stock_price', caller: owner, onBehalfOf: USER }),
    ]);
    expect(found[0]!.workflowId).toMatch(new RegExp(`^stock_price-${callerScope(owner)}-`));
  });
});
