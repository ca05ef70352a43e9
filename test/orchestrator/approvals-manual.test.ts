/**
 * Approvals in the manual loop (AGENT_LOOP=manual, issue 27 part 3): a scripted model over local HTTP speaking the
 * real Chat Completions wire format asks for create_jira_issue; the loop asks the person before it calls (the IT
 * server lists the tool as needing approval), the turn's Update comes back with the question, and the answer's Update
 * resumes the same run. Approved: the call runs once (one issue in the IT worker's sample Jira) and the model reads its
 * result. Rejected with a reason: nothing filed, and the model's next request holds the rejection and the reason.
 * Over both transports (MCP, Nexus), through real Temporal and the real IT worker and MCP server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationHandle, Conversations } from '../../orchestrator/conversations';
import { ActionPlanner } from '../../orchestrator/manual/planner';
import type { ConversationInput, TranscriptEntry } from '../../orchestrator/contract/conversation';
import { SampleJiraProvider } from '../../tool-workers/it/jira/sample';
import {
  startScriptedChatCompletions,
  type ChatRequestBody,
  type ScriptedChatCompletions,
} from '../fakes/scripted-chat-completions';
import { startOrchestratorStack, type OrchestratorStack } from '../support/orchestrator-stack';

const MODEL = 'scripted-llm';
let model: ScriptedChatCompletions;
let stack: OrchestratorStack;
const jira = new SampleJiraProvider();

beforeAll(async () => {
  model = await startScriptedChatCompletions();
  const planner = new ActionPlanner({
    kind: 'openai-compatible',
    model: MODEL,
    baseUrl: `${model.url}/v1`,
    api: 'chat_completions',
  });
  stack = await startOrchestratorStack({
    planner,
    jira,
    input: { model: MODEL, agentLoop: 'manual', modelCalls: { timeoutMs: 10_000, maxAttempts: 3 } },
  });
});
afterAll(async () => {
  await stack?.close();
  await model?.close();
});

/** The text of the last tool message the model was shown. */
const lastToolResult = (body: ChatRequestBody) =>
  String(body.messages.findLast((m) => m.role === 'tool')?.content ?? '');
const filed = (summary: string) => jira.created.filter((i) => i.summary === summary);
const approvalsIn = (entries: TranscriptEntry[]) =>
  entries.filter((e): e is Extract<TranscriptEntry, { kind: 'approval' }> => e.kind === 'approval');

const transports: { name: string; input: (s: OrchestratorStack) => Partial<ConversationInput> }[] = [
  { name: 'MCP', input: () => ({ toolTransport: 'mcp' }) },
  { name: 'Nexus', input: (s) => ({ toolTransport: 'nexus', nexusEndpoints: s.nexusEndpoints }) },
];

/** A manual-loop conversation whose IT session has a Jira project (create_jira_issue files in it). */
async function withProject(conversations: Conversations): Promise<ConversationHandle> {
  const conversation = await conversations.start();
  expect((await conversation.describe()).type).toBe('manualConversationWorkflow');
  model.push({ toolCalls: [{ name: 'set_jira_project', arguments: { project: 'DEMO' } }] }, { text: 'Project set.' });
  const set = await conversations.send(conversation, 'Use the DEMO project');
  expect(set.toolCalls).toEqual([expect.objectContaining({ tool: 'set_jira_project', ok: true })]);
  return conversation;
}

describe.each(transports)('approvals in the manual loop over $name', ({ name, input }) => {
  it('asks before the call; approved, it files one issue and the model reads its key', async () => {
    const conversations = stack.conversationsWith(input(stack));
    const conversation = await withProject(conversations);
    const summary = `VPN down (manual, ${name}, approved)`;
    const start = model.bodies.length;
    model.push({ toolCalls: [{ name: 'create_jira_issue', arguments: { summary, description: 'Since 9am.' } }] });

    const paused = await conversations.send(conversation, 'File a Jira issue: VPN down since 9am');
    expect(paused.reply).toBe('');
    expect(paused.pendingApprovals).toEqual([
      expect.objectContaining({
        tool: 'create_jira_issue',
        server: 'it',
        arguments: { summary, description: 'Since 9am.' },
        why: expect.stringContaining('needs your approval'),
      }),
    ]);
    expect(filed(summary)).toHaveLength(0);
    // The loop asked before it called: the model has been asked once this turn, and waits for the tool's result.
    expect(model.bodies.length - start).toBe(1);
    const [question] = paused.pendingApprovals!;
    expect((await conversations.transcript(conversation)).pendingApprovals).toEqual([question]);
    await expect(conversations.send(conversation, 'hello?')).rejects.toMatchObject({
      cause: { message: expect.stringContaining('waits for your approval') },
    });

    model.push((body) => ({ text: `Filed: ${lastToolResult(body)}` }));
    const done = await conversations.answer(conversation, { id: question!.id, approved: true });
    expect(done.pendingApprovals ?? []).toEqual([]);
    expect(done.toolCalls).toEqual([
      expect.objectContaining({
        tool: 'create_jira_issue',
        server: 'it',
        arguments: { summary, description: 'Since 9am.' },
        ok: true,
      }),
    ]);
    expect(filed(summary)).toHaveLength(1);
    const [issue] = filed(summary);
    expect(issue!.key).toMatch(/^DEMO-\d+$/);
    // The model read the call's result, which names the issue's key.
    expect(done.reply).toContain(issue!.key);

    const view = await conversations.transcript(conversation);
    expect(view.pendingApprovals).toEqual([]);
    expect(approvalsIn(view.entries)).toEqual([
      expect.objectContaining({ id: question!.id, tool: 'create_jira_issue', decision: 'approved' }),
    ]);
    await expect(conversations.answer(conversation, { id: question!.id, approved: true })).rejects.toMatchObject({
      cause: { message: expect.stringContaining('is pending') },
    });
    expect(filed(summary)).toHaveLength(1);
  });

  it('a rejection files nothing, and the model is told, with the reason', async () => {
    const conversations = stack.conversationsWith(input(stack));
    const conversation = await withProject(conversations);
    const summary = `Printer jam (manual, ${name}, rejected)`;
    model.push({ toolCalls: [{ name: 'create_jira_issue', arguments: { summary, description: 'Tray 2.' } }] });
    const paused = await conversations.send(conversation, 'File a Jira issue about the printer');
    expect(paused.pendingApprovals).toHaveLength(1);

    const start = model.bodies.length;
    model.push({ text: 'Understood, not filed.' });
    const done = await conversations.answer(conversation, {
      id: paused.pendingApprovals![0]!.id,
      approved: false,
      reason: 'duplicate of OPS-1',
    });
    expect(done.reply).toBe('Understood, not filed.');
    expect(done.toolCalls).toEqual([expect.objectContaining({ tool: 'create_jira_issue', ok: false })]);
    expect(filed(summary)).toHaveLength(0);
    // The model's next request: its call, answered by a tool message saying the user rejected it, and why.
    const bodies = model.bodies.slice(start);
    expect(bodies).toHaveLength(1);
    const told = lastToolResult(bodies[0]!);
    expect(told).toContain('the user rejected it');
    expect(told).toContain('duplicate of OPS-1');
    expect(told).toContain('Nothing was done');
    const decisions = approvalsIn((await conversations.transcript(conversation)).entries);
    expect(decisions).toEqual([expect.objectContaining({ decision: 'rejected', reason: 'duplicate of OPS-1' })]);
  });
});
