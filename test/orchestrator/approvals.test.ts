/**
 * A person approves a tool call in the conversation (issue 27, part 3), through real Temporal, the real orchestrator
 * worker and the real IT worker and MCP server, with a scripted model: the turn's Update comes back with the pending
 * approval, the answer's Update resumes the same run, an approved call files one issue, a rejected or expired one
 * files none and the model is told, two approvals in one turn are both asked, a new message meanwhile gets a clear
 * refusal, and the transcript records who decided what and when. Both loops (the Agents SDK's interruptions and
 * RunState; the manual loop asking before it calls), both transports (MCP, Nexus).
 */
import type { ModelResponse } from '@openai/agents-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedModelProvider, callTool, say, seenTexts } from '../fakes/scripted-model';
import { startOrchestratorStack, type OrchestratorStack } from '../support/orchestrator-stack';
import { SampleJiraProvider } from '../../tool-workers/it/jira/sample';
import type { Conversations, ConversationHandle } from '../../orchestrator/conversations';
import type { ConversationInput, TranscriptEntry } from '../../orchestrator/contract/conversation';

let stack: OrchestratorStack;
const provider = new ScriptedModelProvider();
const model = provider.model;
const jira = new SampleJiraProvider();

beforeAll(async () => {
  stack = await startOrchestratorStack({ modelProvider: provider, input: { model: 'scripted-model' }, jira });
});
afterAll(() => stack?.close());

function callTools(...responses: ModelResponse[]): ModelResponse {
  return { output: responses.flatMap((r) => r.output), usage: responses[0]!.usage };
}

const filed = (summary: string) => jira.created.filter((i) => i.summary === summary);
const approvalsIn = (entries: TranscriptEntry[]) =>
  entries.filter((e): e is Extract<TranscriptEntry, { kind: 'approval' }> => e.kind === 'approval');

const transports: { name: string; input: (s: OrchestratorStack) => Partial<ConversationInput> }[] = [
  { name: 'MCP', input: () => ({ toolTransport: 'mcp' }) },
  { name: 'Nexus', input: (s) => ({ toolTransport: 'nexus', nexusEndpoints: s.nexusEndpoints }) },
];

/** A conversation whose IT session has a Jira project (create_jira_issue files in it). */
async function withProject(conversations: Conversations): Promise<ConversationHandle> {
  const conversation = await conversations.start();
  model.push(callTool('set_jira_project', { project: 'DEMO' }), say('Project set.'));
  const set = await conversations.send(conversation, 'Use the DEMO project');
  expect(set.toolCalls).toEqual([expect.objectContaining({ tool: 'set_jira_project', ok: true })]);
  return conversation;
}

describe.each(transports)('approvals in the Agents SDK loop over $name', ({ name, input }) => {
  it('pauses the turn, asks, and an approved call files one issue', async () => {
    const conversations = stack.conversationsWith(input(stack));
    const conversation = await withProject(conversations);
    const summary = `VPN down (${name}, approved)`;
    model.push(callTool('create_jira_issue', { summary, description: 'Since 9am.' }), say('Filed it.'));

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
    const [question] = paused.pendingApprovals!;
    expect(filed(summary)).toHaveLength(0);
    // The question is in the conversation's state: a chat that resumes it sees it.
    expect((await conversations.transcript(conversation)).pendingApprovals).toEqual([question]);
    // A new message while the turn waits: a clear refusal, not a hang.
    await expect(conversations.send(conversation, 'hello?')).rejects.toMatchObject({
      cause: { message: expect.stringContaining('waits for your approval') },
    });

    const done = await conversations.answer(conversation, { id: question!.id, approved: true, reason: 'urgent' });
    expect(done.pendingApprovals ?? []).toEqual([]);
    expect(done.reply).toBe('Filed it.');
    expect(done.toolCalls).toEqual([expect.objectContaining({ tool: 'create_jira_issue', ok: true })]);
    expect(filed(summary)).toHaveLength(1);

    const view = await conversations.transcript(conversation);
    expect(view.pendingApprovals).toEqual([]);
    expect(approvalsIn(view.entries)).toEqual([
      expect.objectContaining({ id: question!.id, tool: 'create_jira_issue', decision: 'approved', reason: 'urgent' }),
    ]);
    const [decision] = approvalsIn(view.entries);
    expect(decision!.by).toBe(conversationsUser());
    expect(Date.parse(decision!.at)).toBeGreaterThanOrEqual(Date.parse(decision!.askedAt));
    // The resumed run left the model's memory whole: the next turn sees the request, the call and its result once each.
    model.push(say('You are welcome.'));
    await conversations.send(conversation, 'thanks');
    const seen = seenTexts(model.requests.at(-1)!);
    expect(seen.filter((t) => t.includes('File a Jira issue: VPN down since 9am'))).toHaveLength(1);
    expect(seen.filter((t) => t.includes(`Filed `) && t.includes(summary))).toHaveLength(1);
    // A second answer to the same question is refused by the Update's validator.
    await expect(conversations.answer(conversation, { id: question!.id, approved: true })).rejects.toMatchObject({
      cause: { message: expect.stringContaining('is pending') },
    });
  });

  it('a rejected call files nothing and the model is told, with the reason', async () => {
    const conversations = stack.conversationsWith(input(stack));
    const conversation = await withProject(conversations);
    const summary = `Printer jam (${name}, rejected)`;
    model.push(callTool('create_jira_issue', { summary, description: 'Tray 2.' }), say('Understood, not filed.'));
    const paused = await conversations.send(conversation, 'File a Jira issue about the printer');
    const done = await conversations.answer(conversation, {
      id: paused.pendingApprovals![0]!.id,
      approved: false,
      reason: 'duplicate of OPS-1',
    });
    expect(done.reply).toBe('Understood, not filed.');
    expect(done.toolCalls).toEqual([expect.objectContaining({ tool: 'create_jira_issue', ok: false })]);
    const told = seenTexts(model.requests.at(-1)!).join('\n');
    expect(told).toContain('the user rejected it');
    expect(told).toContain('duplicate of OPS-1');
    expect(filed(summary)).toHaveLength(0);
    const decisions = approvalsIn((await conversations.transcript(conversation)).entries);
    expect(decisions).toEqual([expect.objectContaining({ decision: 'rejected', reason: 'duplicate of OPS-1' })]);
  });
});

describe('approvals: two in one turn, expiry, the manual loop', () => {
  it('two calls that need approval in one turn are both asked; each answer is taken, one issue per yes', async () => {
    const conversation = await withProject(stack.conversations);
    const [a, b] = ['Disk full on db1 (two)', 'Disk full on db2 (two)'];
    model.push(
      callTools(
        callTool('create_jira_issue', { summary: a, description: 'db1' }),
        callTool('create_jira_issue', { summary: b, description: 'db2' }),
      ),
      say('Filed one, skipped the other.'),
    );
    let reply = await stack.conversations.send(conversation, 'File issues for both disks');
    const asked = new Set<string>();
    while (reply.pendingApprovals?.length) {
      const question = reply.pendingApprovals[0]!;
      asked.add(question.id);
      const approve = (question.arguments as { summary: string }).summary === a;
      reply = await stack.conversations.answer(conversation, { id: question.id, approved: approve });
    }
    expect(asked.size).toBe(2);
    expect(reply.reply).toBe('Filed one, skipped the other.');
    expect(filed(a)).toHaveLength(1);
    expect(filed(b)).toHaveLength(0);
    const decisions = approvalsIn((await stack.conversations.transcript(conversation)).entries);
    expect(decisions.map((d) => d.decision).sort()).toEqual(['approved', 'rejected']);
  });

  it('an approval nobody answers expires by itself: nothing filed, the model told, the turn ends', async () => {
    const conversations = stack.conversationsWith({ approvalExpiryMs: 2000 });
    const conversation = await withProject(conversations);
    const summary = 'Fan noise (expiry)';
    model.push(callTool('create_jira_issue', { summary, description: 'Loud.' }), say('It expired, nothing filed.'));
    const paused = await conversations.send(conversation, 'File an issue about the fan');
    expect(paused.pendingApprovals).toHaveLength(1);
    let view = await conversations.transcript(conversation);
    for (let i = 0; i < 100 && !view.entries.some((e) => e.kind === 'assistant' && e.turn === paused.turn); i++) {
      await new Promise((r) => setTimeout(r, 200));
      view = await conversations.transcript(conversation);
    }
    expect(view.entries.at(-1)).toMatchObject({ kind: 'assistant', text: 'It expired, nothing filed.' });
    expect(approvalsIn(view.entries)).toEqual([expect.objectContaining({ decision: 'expired' })]);
    expect(view.pendingApprovals).toEqual([]);
    expect(filed(summary)).toHaveLength(0);
    expect(seenTexts(model.requests.at(-1)!).join('\n')).toContain('expired');
  });
});

function conversationsUser(): string | undefined {
  return (stack.conversations as unknown as { input: ConversationInput }).input.user;
}
