/**
 * The conversation workflow with a scripted model, through real Temporal, the real orchestrator worker and the real
 * Finance and IT MCP servers over HTTP: routing (tool calls reach the right server with the model's arguments),
 * memory (later turns see earlier ones), the context window, continue-as-new, the transcript, the IT session handle
 * the conversation keeps (opened by the first IT write, one per conversation, renewed when it ends, closed at the
 * end), and tool lists kept for their ttlMs.
 */
import { financeToolNames } from '../../tool-workers/finance/tools';
import { itToolNames } from '../../tool-workers/it/tools';
import type { CallToolResult } from '@modelcontextprotocol/client';
import type { ModelResponse } from '@openai/agents-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedModelProvider, callTool, say, seenTexts } from '../fakes/scripted-model';
import { historyText } from '../support/history';
import { startOrchestratorStack, type OrchestratorStack } from '../support/orchestrator-stack';
import { Conversations, conversationInput } from '../../orchestrator/conversations';
import {
  itSessionContract,
  type ConversationState,
  type RemoteToolDescriptor,
} from '../../orchestrator/contract/conversation';
import { testConfig } from '../support/temporal';

let stack: OrchestratorStack;
const provider = new ScriptedModelProvider();
const model = provider.model;

beforeAll(async () => {
  stack = await startOrchestratorStack({ modelProvider: provider, input: { model: 'scripted-model' } });
});
afterAll(() => stack?.close());

const HANDLE = /^[A-Za-z0-9_-]{16,128}$/;

/** One model response asking for several tools at once (the Agents SDK runs them in parallel). */
function callTools(...responses: ModelResponse[]): ModelResponse {
  return { output: responses.flatMap((r) => r.output), usage: responses[0]!.usage };
}

/** The IT session as the server sees it, asked over MCP with the conversation's handle. */
async function itSession(handle: string): Promise<{ metrics: CallToolResult; history: CallToolResult }> {
  const call = (name: string) =>
    stack.mcp.callTool('it', { name, arguments: { [itSessionContract.handleArgument]: handle } });
  return { metrics: await call('get_jira_metrics'), history: await call('get_ip_history') };
}
const errorKindOf = (result: CallToolResult) =>
  (result._meta as Record<string, unknown> | undefined)?.[itSessionContract.errorMetaKey];

/** Conversations with other input settings on the same stack. */
function conversationsWith(overrides: Parameters<typeof conversationInput>[1]) {
  const config = { ...testConfig().orchestrator, taskQueue: stack.taskQueue };
  return new Conversations(
    stack.client,
    stack.taskQueue,
    conversationInput(config, { model: 'scripted-model', ...overrides }),
  );
}

describe('conversation workflow (scripted model)', () => {
  it('routes tool calls to the MCP servers and local tools, and remembers earlier turns', async () => {
    const conversation = await stack.conversations.start();
    model.push(callTool('stock_price', { symbol: 'MSFT' }), say('MSFT trades at the price above.'));
    const first = await stack.conversations.send(conversation, 'What does MSFT trade at?');
    expect(first.reply).toBe('MSFT trades at the price above.');
    expect(first.toolCalls).toEqual([
      expect.objectContaining({ tool: 'stock_price', server: 'finance', arguments: { symbol: 'MSFT' }, ok: true }),
    ]);
    expect(first.toolCalls[0]!.summary).toMatch(/^MSFT: .* USD/);
    expect(stack.finance.quoteCalls).toContain('MSFT');
    expect(provider.modelNames).toContain('scripted-model');

    // The tool result went back to the model, and the tools it was offered came from both servers plus local ones.
    const afterTool = model.requests.at(-1)!;
    expect(seenTexts(afterTool).some((t) => t.includes('MSFT:'))).toBe(true);
    const offered = afterTool.tools.map((t) => t.name).sort();
    // close_session is the conversation's own, and the session handle argument is filled in by the workflow.
    // Every tool the two domains define (long-running ones start in the background), and the local ones.
    expect(offered).toEqual(
      [...financeToolNames, ...itToolNames.filter((n) => n !== 'close_session'), 'calculator', 'weather'].sort(),
    );
    const setProject = afterTool.tools.find((t) => t.name === 'set_jira_project') as {
      parameters: { properties: Record<string, unknown>; required?: string[] };
    };
    expect(Object.keys(setProject.parameters.properties)).toContain('project');
    expect(Object.keys(setProject.parameters.properties)).not.toContain(itSessionContract.handleArgument);
    expect(setProject.parameters.required ?? []).not.toContain(itSessionContract.handleArgument);
    // No session before the first IT write.
    expect((await stack.conversations.transcript(conversation)).itSessionId).toBeNull();

    model.push(
      callTool('set_jira_project', { project: 'OPS' }),
      callTool('calculator', { expression: '6 * 7' }),
      say('Done.'),
    );
    const second = await stack.conversations.send(conversation, 'Use the OPS project, and what is 6 * 7?');
    expect(second.toolCalls.map((c) => [c.tool, c.server, c.ok])).toEqual([
      ['set_jira_project', 'it', true],
      ['calculator', 'local', true],
    ]);
    expect(second.toolCalls[1]!.summary).toBe('6 * 7 = 42');
    // Memory: the second turn's first model request carries the first turn.
    const secondTurnFirstRequest = model.requests.at(-3)!;
    expect(seenTexts(secondTurnFirstRequest)).toEqual(
      expect.arrayContaining(['What does MSFT trade at?', 'Use the OPS project, and what is 6 * 7?']),
    );

    // The conversation's IT session holds the project: the metrics tool defaults to it.
    model.push(callTool('get_jira_metrics', {}), say('Metrics shown.'));
    const third = await stack.conversations.send(conversation, 'Metrics please');
    expect(third.toolCalls[0]).toMatchObject({ tool: 'get_jira_metrics', ok: true });
    expect(third.toolCalls[0]!.summary).toMatch(/^OPS \(/);

    const transcript = await stack.conversations.transcript(conversation);
    expect(transcript.turns).toBe(3);
    expect(transcript.itSessionId).toMatch(HANDLE);
    expect(transcript.entries.filter((e) => e.kind === 'user').map((e) => (e as { text: string }).text)).toEqual([
      'What does MSFT trade at?',
      'Use the OPS project, and what is 6 * 7?',
      'Metrics please',
    ]);
    expect((await itSession(transcript.itSessionId!)).metrics.structuredContent).toMatchObject({ project: 'OPS' });
    // The workflow put the handle into the later call's arguments; the model's own arguments stay as it gave them.
    expect(historyText(await conversation.fetchHistory())).toContain(
      `"${itSessionContract.handleArgument}":"${transcript.itSessionId}"`,
    );
    expect(third.toolCalls[0]!.arguments).toEqual({});
  });

  it('IT calls of one turn made before any session exists share the one session the first of them opens', async () => {
    const conversation = await stack.conversations.start();
    model.push(
      callTools(callTool('set_jira_project', { project: 'DATA' }), callTool('track_ip', {}), callTool('get_ip', {})),
      say('Done.'),
    );
    const reply = await stack.conversations.send(conversation, 'Use DATA and track my IP');
    expect(reply.toolCalls.map((c) => [c.tool, c.ok]).sort()).toEqual([
      ['get_ip', true],
      ['set_jira_project', true],
      ['track_ip', true],
    ]);
    const { itSessionId } = await stack.conversations.transcript(conversation);
    expect(itSessionId).toMatch(HANDLE);
    const session = await itSession(itSessionId!);
    expect(session.metrics.structuredContent).toMatchObject({ project: 'DATA' });
    expect((session.history.structuredContent as { entries: unknown[] }).entries).toHaveLength(1);
    // Only one call went without a handle: the one that opened the session.
    const text = historyText(await conversation.fetchHistory());
    expect(text.split(`"${itSessionContract.handleArgument}":"${itSessionId}"`)).toHaveLength(2);
  });

  it('an IT session that ended is dropped: the call is made again without it, a new session opens, and the user is told', async () => {
    const conversation = await stack.conversations.start();
    model.push(callTool('set_jira_project', { project: 'OPS' }), say('Set.'));
    await stack.conversations.send(conversation, 'Use the OPS project');
    const ended = (await stack.conversations.transcript(conversation)).itSessionId!;
    expect(
      (
        await stack.mcp.callTool('it', {
          name: itSessionContract.closeTool,
          arguments: { [itSessionContract.handleArgument]: ended },
        })
      ).isError,
    ).toBeFalsy();

    model.push(callTool('set_jira_project', { project: 'WEB' }), say('Set again.'));
    const reply = await stack.conversations.send(conversation, 'Use the WEB project');
    expect(reply.toolCalls).toEqual([expect.objectContaining({ tool: 'set_jira_project', ok: true })]);
    expect(reply.notices.join(' ')).toMatch(/The IT session of this conversation had ended/);
    const renewed = (await stack.conversations.transcript(conversation)).itSessionId!;
    expect(renewed).toMatch(HANDLE);
    expect(renewed).not.toBe(ended);
    expect((await itSession(renewed)).metrics.structuredContent).toMatchObject({ project: 'WEB' });
  });

  it('keeps each tool list for its ttlMs by workflow time, then lists that server again', async () => {
    const stale = (server: 'finance' | 'it', name: string): RemoteToolDescriptor => ({
      server,
      name,
      description: `${name} (listed earlier)`,
      inputSchema: { type: 'object', properties: {} },
    });
    const state: ConversationState = {
      items: [],
      transcript: [],
      turns: 0,
      catalog: [stale('finance', 'kept_finance_tool'), stale('it', 'expired_it_tool')],
      catalogExpiresAt: { finance: Date.now() + 3_600_000, it: Date.now() - 1 },
      unavailable: {},
      startedAt: new Date().toISOString(),
    };
    const conversation = await conversationsWith({ state }).start();
    model.push(say('ok'));
    await stack.conversations.send(conversation, 'hello');
    const { tools } = await stack.conversations.transcript(conversation);
    expect(tools).toContain('kept_finance_tool');
    expect(tools).not.toContain('stock_price');
    expect(tools).not.toContain('expired_it_tool');
    expect(tools).toContain('track_ip');
    const discoveries = (await conversation.fetchHistory()).events!.filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'discoverMcpTools',
    );
    expect(discoveries).toHaveLength(1);
  });

  it('a tool error reaches the model as text, and the turn still answers', async () => {
    const conversation = await stack.conversations.start();
    model.push(
      callTool('calculate_roi', { principal: -5, annual_rate: 0.05, years: 10 }),
      say('That principal is not valid.'),
    );
    const reply = await stack.conversations.send(conversation, 'ROI of -5 dollars');
    expect(reply.toolCalls[0]).toMatchObject({ tool: 'calculate_roi', ok: false });
    expect(reply.toolCalls[0]!.summary).toMatch(/^Error: .*principal/);
    expect(seenTexts(model.requests.at(-1)!).some((t) => t.startsWith('Error:') && t.includes('principal'))).toBe(true);
  });

  it('rejects an empty message without touching the conversation', async () => {
    const conversation = await stack.conversations.start();
    await expect(stack.conversations.send(conversation, '   ')).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/non-empty/) },
    });
    expect((await stack.conversations.transcript(conversation)).turns).toBe(0);
  });

  it('keeps the model context within the window, and the transcript says so', async () => {
    const conversations = conversationsWith({ context: { strategy: 'window', maxTurns: 2, maxTokens: 100_000 } });
    const conversation = await conversations.start();
    for (const n of [1, 2, 3]) {
      model.push(say(`answer ${n}`));
      await conversations.send(conversation, `question ${n}`);
    }
    // The third turn's request holds only turns 2 and 3.
    expect(seenTexts(model.requests.at(-1)!).filter((t) => t.startsWith('question'))).toEqual([
      'question 2',
      'question 3',
    ]);
    const reply = await (async () => {
      model.push(say('answer 4'));
      return conversations.send(conversation, 'question 4');
    })();
    expect(reply.notices.join(' ')).toMatch(/1 earlier turn\(s\) were dropped/);
    const { entries } = await conversations.transcript(conversation);
    // Turns 3 and 4 each pushed one turn out.
    expect(entries.filter((e) => e.kind === 'notice' && /dropped/.test(e.text))).toHaveLength(2);
    // The transcript itself keeps every turn.
    expect(entries.filter((e) => e.kind === 'user')).toHaveLength(4);
  });

  it('summarises dropped turns when configured, and the model sees the summary', async () => {
    const conversations = conversationsWith({ context: { strategy: 'summary', maxTurns: 1, maxTokens: 100_000 } });
    const conversation = await conversations.start();
    model.push(say('Paris is the capital of France.'));
    await conversations.send(conversation, 'What is the capital of France?');
    model.push(say('ok'));
    const reply = await conversations.send(conversation, 'And of Italy?');
    expect(reply.notices.join(' ')).toMatch(/summarised/);
    const request = model.requests.at(-1)!;
    expect(seenTexts(request).filter((t) => /capital of France\?/.test(t))).toHaveLength(0);
    expect(request.systemInstructions).toContain(
      'User: What is the capital of France? → Assistant: Paris is the capital of France.',
    );
  });

  it('carries memory, transcript and the IT session across continue-as-new', async () => {
    const conversations = conversationsWith({ maxHistoryEvents: 40 });
    const conversation = await conversations.start();
    const firstRunId = (await conversation.describe()).runId;
    model.push(callTool('set_jira_project', { project: 'WEB' }), say('Project set.'));
    await conversations.send(conversation, 'Set project WEB');
    const sessionBefore = (await conversations.transcript(conversation)).itSessionId;
    for (let n = 0; n < 6; n++) {
      model.push(callTool('calculator', { expression: `${n} + 1` }), say(`${n + 1}`));
      await conversations.send(conversation, `what is ${n} + 1`);
    }
    const described = await stack.client.workflow.getHandle(conversation.workflowId).describe();
    expect(described.runId).not.toBe(firstRunId);

    model.push(say('Still here.'));
    await conversations.send(conversation, 'Do you remember the project?');
    expect(seenTexts(model.requests.at(-1)!)).toContain('Set project WEB');
    const transcript = await conversations.transcript(conversation);
    expect(transcript.turns).toBe(8);
    expect(sessionBefore).toMatch(HANDLE);
    expect(transcript.itSessionId).toBe(sessionBefore);
    expect((await itSession(sessionBefore!)).metrics.structuredContent).toMatchObject({ project: 'WEB' });
  });

  it('ending a conversation closes its IT session', async () => {
    const conversation = await stack.conversations.start();
    model.push(callTool('track_ip', {}), say('Tracked.'));
    await stack.conversations.send(conversation, 'Track my IP');
    const { itSessionId } = await stack.conversations.transcript(conversation);
    expect((await itSession(itSessionId!)).history.isError).toBeFalsy();
    await stack.conversations.end(conversation);
    expect(await conversation.result()).toEqual({ turns: 1, endedBecause: 'ended by the user' });
    const after = await itSession(itSessionId!);
    expect(after.history.isError).toBe(true);
    expect(errorKindOf(after.history)).toBe(itSessionContract.notFound);
  });
});
