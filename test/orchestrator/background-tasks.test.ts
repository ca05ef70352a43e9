/**
 * Long-running tools as background tasks of a conversation, over MCP (an MCP task, followed by one heartbeating
 * activity) and over Nexus (a workflow-run operation): the turn that starts one answers at once, the conversation
 * records the result when the task ends with no one asking, check_task reads it in a later turn, and the transcript
 * lists the tasks (the chat's /tasks).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conversations, ConversationHandle } from '../../orchestrator/conversations';
import { callTool, say, ScriptedModelProvider, seenTexts } from '../fakes/scripted-model';
import { startOrchestratorStack, type OrchestratorStack } from '../support/orchestrator-stack';
import { waitFor } from '../support/processes';

let stack: OrchestratorStack;
const provider = new ScriptedModelProvider();
const model = provider.model;

beforeAll(async () => {
  stack = await startOrchestratorStack({ modelProvider: provider, input: { model: 'scripted-model' } });
});
afterAll(() => stack?.close());

// IBM never reaches 10,000 in the sample data: the alert runs its whole window (12 s, a check a second).
const ALERT = { symbol: 'IBM', direction: 'above', threshold: 10_000, check_every_seconds: 1, watch_minutes: 0.2 };

describe.each(['mcp', 'nexus'] as const)('a long-running tool in the background (%s)', (toolTransport) => {
  let conversations: Conversations;
  let conversation: ConversationHandle;
  beforeAll(async () => {
    conversations = stack.conversationsWith({
      model: 'scripted-model',
      toolTransport,
      ...(toolTransport === 'nexus' ? { nexusEndpoints: stack.nexusEndpoints } : {}),
    });
    conversation = await conversations.start();
  });

  it('the turn that starts it answers at once, and the task runs on', async () => {
    model.push(callTool('price_alert', ALERT), say('I am watching IBM for you.'));
    const reply = await conversations.send(conversation, 'Tell me if IBM goes above 10000 in the next few seconds');
    expect(reply.reply).toBe('I am watching IBM for you.');
    expect(reply.toolCalls).toEqual([expect.objectContaining({ tool: 'price_alert', ok: true })]);
    // A Nexus task id (an operation token naming the caller-scoped workflow id) can outrun the summary's cut.
    expect(reply.toolCalls[0]!.summary).toMatch(/^Started price_alert as a background task \(task_id \S{20,}/);
    const { tasks } = await conversations.transcript(conversation);
    expect(tasks).toEqual([
      expect.objectContaining({ tool: 'price_alert', server: 'finance', status: 'working', arguments: ALERT }),
    ]);
  });

  it('records the result when the task ends, with no one asking', async () => {
    await waitFor(
      'the task to end',
      async () => (await conversations.transcript(conversation)).tasks[0]?.status !== 'working',
      60_000,
    );
    const { tasks, entries } = await conversations.transcript(conversation);
    expect(tasks[0]).toMatchObject({
      status: 'completed',
      result: expect.stringMatching(/IBM did not go above 10000 in \d+ checks/),
    });
    expect(entries.at(-1)).toMatchObject({
      kind: 'notice',
      text: expect.stringContaining(`Background task ${tasks[0]!.id} (price_alert) completed`),
    });
  });

  it('check_task reads it in a later turn', async () => {
    const { tasks } = await conversations.transcript(conversation);
    model.push(callTool('check_task', { task_id: tasks[0]!.id }), (request) => {
      expect(request.tools.map((t) => t.name)).toContain('check_task');
      return say(seenTexts(request).at(-1)!);
    });
    const reply = await conversations.send(conversation, 'Did IBM cross 10000?');
    expect(reply.toolCalls).toEqual([expect.objectContaining({ tool: 'check_task', ok: true })]);
    expect(reply.reply).toMatch(/price_alert task \S+, started .*: completed at .*Result: IBM did not go above 10000/);
  });
});
