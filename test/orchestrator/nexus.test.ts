/**
 * TOOL_TRANSPORT=nexus end to end: the same offline planner, the same sample questions and the same answers as over
 * MCP, with every remote tool call a Nexus operation in the conversation's own history, served by the same tool
 * workers (their Nexus handlers derive from the tools' one definition). Also: who a call is for travels in Nexus
 * headers into the tool workflow's memo, scoped by the caller namespace (more in test/security/nexus-identity.test.ts),
 * a conversation keeps its IT session handle, discovery is one operation per domain, and the recorded history replays.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationHandle, Conversations } from '../../orchestrator/conversations';
import { conversationInput } from '../../orchestrator/conversations';
import { NEXUS_IDENTITY_MEMO, type TurnReply } from '../../orchestrator/contract/conversation';
import { itSessionWorkflowId } from '../../tool-workers/it/sessions';
import { SAMPLE_QUESTIONS } from './sample-questions';
import { startOrchestratorStack, type OrchestratorStack } from '../support/orchestrator-stack';
import { recordConversation, replayConversation } from '../support/replay';
import { testConfig } from '../support/temporal';

const fixture = new URL('./fixtures/conversation-history-nexus.json', import.meta.url);
const USER = 'nexus-test-user';
/** Nexus callers are scoped by the namespace they call from, and then by the name they give (a conversation's user). */
const NEXUS_PREFIX = `nexus:${testConfig().temporal.namespaces.orchestrator}`;
const NEXUS_CALLER = `${NEXUS_PREFIX}:${USER}`;

let stack: OrchestratorStack;
let conversations: Conversations;
let conversation: ConversationHandle;
const ask = (text: string): Promise<TurnReply> => conversations.send(conversation, text);

beforeAll(async () => {
  stack = await startOrchestratorStack({ input: { model: 'offline', user: USER } });
  conversations = stack.conversationsWith({ toolTransport: 'nexus', nexusEndpoints: stack.nexusEndpoints });
  conversation = await conversations.start();
});
afterAll(() => stack?.close());

type HistoryEvent = {
  eventType?: unknown;
  nexusOperationScheduledEventAttributes?: {
    endpoint?: string | null;
    service?: string | null;
    operation?: string | null;
  } | null;
  activityTaskScheduledEventAttributes?: { activityType?: { name?: string | null } | null } | null;
};

describe('every sample question over Nexus (TOOL_TRANSPORT=nexus)', () => {
  it.each(SAMPLE_QUESTIONS)('%s → %s', async (question, tool, args, answer) => {
    const reply = await ask(question);
    expect(reply.toolCalls).toEqual([expect.objectContaining({ tool, arguments: args, ok: true })]);
    expect(reply.reply).toMatch(answer);
  });

  it('made every remote call, and discovery, a Nexus operation in the conversation history, and no MCP activity', async () => {
    const { events } = await conversation.fetchHistory();
    const operations = (events as HistoryEvent[]).flatMap((e) =>
      e.nexusOperationScheduledEventAttributes ? [e.nexusOperationScheduledEventAttributes] : [],
    );
    expect(operations.map((o) => o.operation)).toEqual([
      'list_tools',
      'list_tools',
      'get_ip',
      'stock_price',
      'calculate_roi',
      'set_jira_project',
      'get_jira_metrics',
      'track_ip',
      'get_ip_history',
    ]);
    expect(new Set(operations.map((o) => `${o.endpoint}/${o.service}`))).toEqual(
      new Set([`${stack.nexusEndpoints.finance}/finance`, `${stack.nexusEndpoints.it}/it`]),
    );
    const activities = (events as HistoryEvent[]).flatMap((e) =>
      e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType?.name] : [],
    );
    expect(activities.filter((name) => name === 'callMcpTool' || name === 'discoverMcpTools')).toEqual([]);
  });

  it('keeps one IT session, by its handle, with the project and the IP it set', async () => {
    const { itSessionId } = await conversations.transcript(conversation);
    expect(itSessionId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // Nexus calls run as the conversation's user within the orchestrator's namespace: the session lives in that scope.
    const session = stack.it.client.workflow.getHandle(itSessionWorkflowId(itSessionId!, NEXUS_CALLER));
    const state = (await session.query('sessionState')) as {
      jira_project: string;
      ip_history_total: number;
      operations: number;
    };
    expect(state).toMatchObject({ jira_project: 'DEMO', ip_history_total: 1, operations: 2 });
  });

  it('records who the call was for, from the Nexus headers, in the tool workflow memo as MCP does', async () => {
    const found: { memo?: Record<string, unknown> }[] = [];
    for await (const wf of stack.finance.client.workflow.list({
      query: `WorkflowType = 'stockPriceWorkflow' AND TaskQueue = '${stack.finance.taskQueue}'`,
    })) {
      found.push(wf);
    }
    expect(found).toHaveLength(1);
    expect(found[0]!.memo).toMatchObject({ tool: 'stock_price', onBehalfOf: USER, caller: NEXUS_CALLER });
  });

  it('a caller in the Nexus headers scopes its ids within the caller namespace and lands in the memo', async () => {
    // A conversation whose memo names another caller than the user it acts for (orchestrator/nexus-identity.ts).
    const handle = await stack.client.workflow.start('conversationWorkflow', {
      taskQueue: stack.taskQueue,
      workflowId: `conversation-nexus-identity-${Date.now()}`,
      args: [
        {
          ...conversationInput(testConfig().orchestrator, {
            model: 'offline',
            toolTransport: 'nexus',
            nexusEndpoints: stack.nexusEndpoints,
          }),
        },
      ],
      memo: { [NEXUS_IDENTITY_MEMO]: { caller: 'alice', onBehalfOf: 'bob' } },
    });
    const asAlice = handle as unknown as ConversationHandle;
    await conversations.send(asAlice, 'What is the stock price of MSFT?');
    await conversations.send(asAlice, 'Set the JIRA project to OPS');
    const quotes: { memo?: Record<string, unknown> }[] = [];
    for await (const wf of stack.finance.client.workflow.list({
      query: `WorkflowType = 'stockPriceWorkflow' AND TaskQueue = '${stack.finance.taskQueue}' AND StartTime > '${new Date(Date.now() - 120_000).toISOString()}'`,
    })) {
      if ((wf.memo as { caller?: unknown } | undefined)?.caller === `${NEXUS_PREFIX}:alice`) quotes.push(wf);
    }
    expect(quotes.map((q) => q.memo)).toEqual([
      expect.objectContaining({ tool: 'stock_price', caller: `${NEXUS_PREFIX}:alice`, onBehalfOf: 'bob' }),
    ]);
    const { itSessionId } = await conversations.transcript(asAlice);
    // The session lives in the Nexus alice's scope; the same handle names nothing for the MCP alice nor for anon.
    const state = (await stack.it.client.workflow
      .getHandle(itSessionWorkflowId(itSessionId!, `${NEXUS_PREFIX}:alice`))
      .query('sessionState')) as { jira_project: string };
    expect(state.jira_project).toBe('OPS');
    for (const other of ['alice', undefined]) {
      await expect(
        stack.it.client.workflow.getHandle(itSessionWorkflowId(itSessionId!, other)).describe(),
      ).rejects.toThrow(/not found/i);
    }
  });

  it('a tool that fails for good (an unknown Jira project) is an error the model reads at once, not a retried operation', async () => {
    const c = await conversations.start();
    const reply = await conversations.send(c, 'Jira metrics for project NOPE');
    expect(reply.toolCalls).toEqual([
      expect.objectContaining({ tool: 'get_jira_metrics', arguments: { project: 'NOPE' }, ok: false }),
    ]);
    expect(reply.toolCalls[0]!.summary).toMatch(/NOPE/);
    const { events } = await c.fetchHistory();
    const attempts = (events as { nexusOperationScheduledEventAttributes?: unknown; eventType?: unknown }[]).filter(
      (e) =>
        e.nexusOperationScheduledEventAttributes &&
        (e.nexusOperationScheduledEventAttributes as { operation?: string }).operation === 'get_jira_metrics',
    );
    expect(attempts).toHaveLength(1);
  });

  it('the manual loop reaches the same tools over Nexus, with the same answers', async () => {
    const manual = stack.conversationsWith({
      agentLoop: 'manual',
      toolTransport: 'nexus',
      nexusEndpoints: stack.nexusEndpoints,
    });
    const c = await manual.start();
    for (const [question, tool, args, answer] of SAMPLE_QUESTIONS.filter(([, tool]) =>
      ['stock_price', 'set_jira_project', 'get_jira_metrics'].includes(tool),
    )) {
      const reply = await manual.send(c, question);
      expect(reply.toolCalls).toEqual([expect.objectContaining({ tool, arguments: args, ok: true })]);
      expect(reply.reply).toMatch(answer);
    }
    const { events } = await c.fetchHistory();
    const operations = (events as HistoryEvent[]).flatMap((e) =>
      e.nexusOperationScheduledEventAttributes ? [e.nexusOperationScheduledEventAttributes.operation] : [],
    );
    expect(operations).toEqual(['list_tools', 'list_tools', 'stock_price', 'set_jira_project', 'get_jira_metrics']);
  });

  it('replays the recorded history of a Nexus conversation', async () => {
    if (process.env.RECORD_HISTORIES || !existsSync(fixture)) {
      const turns = [
        'What is the stock price of AAPL?',
        'Set the JIRA project to DEMO',
        'Track my IP address',
        'Calculate 15 * 23',
      ];
      writeFileSync(fixture, await recordConversation(conversations, turns));
    }
    await replayConversation(JSON.parse(readFileSync(fixture, 'utf8')), 'nexus-recorded');
  });
});
