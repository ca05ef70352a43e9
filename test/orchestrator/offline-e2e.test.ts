/**
 * The offline planner end to end: real Temporal, the real orchestrator worker, the real Finance and IT MCP servers
 * over HTTP and their workers. Every sample question of docs/orchestrator.md, in one conversation, in order, in each
 * agent loop (AGENT_LOOP): the Agents SDK's runner and the explicit manual loop, on the same worker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentLoop, TurnReply } from '../../orchestrator/contract/conversation';
import { SAMPLE_QUESTIONS } from './sample-questions';
import { startOrchestratorStack, type OrchestratorStack } from '../support/orchestrator-stack';
import type { ConversationHandle, Conversations } from '../../orchestrator/conversations';

let stack: OrchestratorStack;
beforeAll(async () => {
  stack = await startOrchestratorStack({ input: { model: 'offline' } });
});
afterAll(() => stack?.close());

describe.each<[AgentLoop, string]>([
  ['agents-sdk', 'conversationWorkflow'],
  ['manual', 'manualConversationWorkflow'],
])('offline planner, every sample question (%s loop)', (agentLoop, workflowType) => {
  let conversations: Conversations;
  let conversation: ConversationHandle;
  beforeAll(async () => {
    conversations = stack.conversationsWith({ agentLoop });
    conversation = await conversations.start();
  });
  const ask = (text: string): Promise<TurnReply> => conversations.send(conversation, text);

  it(`runs as ${workflowType}`, async () => {
    expect((await conversation.describe()).type).toBe(workflowType);
    expect(await conversations.agentLoopOf(conversation)).toBe(agentLoop);
  });

  it.each(SAMPLE_QUESTIONS)('%s → %s', async (question, tool, args, answer) => {
    const reply = await ask(question);
    expect(reply.toolCalls).toEqual([expect.objectContaining({ tool, arguments: args, ok: true })]);
    expect(reply.reply).toMatch(answer);
  });

  it('understands rephrasings and follow-ups', async () => {
    expect((await ask('how much is MSFT trading at?')).toolCalls[0]).toMatchObject({
      tool: 'stock_price',
      arguments: { symbol: 'MSFT' },
    });
    // A follow-up reads the previous call from the conversation's memory.
    expect((await ask('and NVDA?')).toolCalls[0]).toMatchObject({ tool: 'stock_price', arguments: { symbol: 'NVDA' } });
    expect((await ask("what's 2 plus 2 times 3")).reply).toMatch(/\b8\b/);
    expect((await ask('is it raining in paris')).toolCalls[0]).toMatchObject({
      tool: 'weather',
      arguments: { city: 'Paris' },
    });
    expect((await ask('switch the jira project to OPS')).toolCalls[0]).toMatchObject({
      tool: 'set_jira_project',
      arguments: { project: 'OPS' },
    });
    expect((await ask('which IPs have I tracked?')).toolCalls[0]).toMatchObject({ tool: 'get_ip_history' });
  });

  it('says plainly when it cannot help, and that it is the offline planner', async () => {
    const reply = await ask('Write me a poem about the sea');
    expect(reply.toolCalls).toEqual([]);
    expect(reply.reply).toMatch(/offline planner/i);
    expect(reply.reply).toMatch(/stock_price/);
  });

  it('the transcript holds every turn with the tools it called', async () => {
    const transcript = await conversations.transcript(conversation);
    const assistant = transcript.entries.filter((e) => e.kind === 'assistant');
    expect(assistant.length).toBe(transcript.turns);
    expect(assistant.flatMap((e) => (e.kind === 'assistant' ? e.toolCalls.map((c) => c.tool) : []))).toEqual(
      expect.arrayContaining([
        'calculator',
        'weather',
        'get_ip',
        'stock_price',
        'calculate_roi',
        'set_jira_project',
        'get_jira_metrics',
        'track_ip',
        'get_ip_history',
      ]),
    );
    expect(transcript.tools).toEqual(expect.arrayContaining(['calculator', 'weather', 'stock_price', 'track_ip']));
  });
});
