/** Recording a conversation's history and replaying one against the current orchestrator bundle (replay tests). */
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import type { Conversations } from '../../orchestrator/conversations';
import { createAgentsPlugin } from '../../orchestrator/plugin';
import { prebuiltBundle, testConfig } from './temporal';

/** A conversation with these turns, ended, as the JSON a fixture file holds. */
export async function recordConversation(conversations: Conversations, turns: string[]): Promise<string> {
  const conversation = await conversations.start();
  for (const text of turns) await conversations.send(conversation, text);
  await conversations.end(conversation, 'recorded');
  await conversation.result();
  return historyToJSON(await conversation.fetchHistory());
}

/**
 * A conversation in which the model asks for create_jira_issue twice (the offline planner plans it from these turns):
 * the first approved, the second rejected with a reason, then one more turn; ended, as the JSON a fixture file holds.
 */
export async function recordConversationWithApprovals(conversations: Conversations): Promise<string> {
  const conversation = await conversations.start();
  await conversations.send(conversation, 'Set the JIRA project to DEMO');
  const answers = [
    { text: 'File a Jira issue: VPN is down since 9am', approved: true, reason: 'urgent' },
    { text: 'File a Jira issue: the printer in room 4 is jammed', approved: false, reason: 'duplicate of DEMO-1' },
  ];
  for (const { text, approved, reason } of answers) {
    const paused = await conversations.send(conversation, text);
    const question = paused.pendingApprovals?.[0];
    if (!question || paused.pendingApprovals!.length !== 1)
      throw new Error(`"${text}" did not pause on one approval: ${JSON.stringify(paused)}`);
    const done = await conversations.answer(conversation, { id: question.id, approved, reason });
    if (done.pendingApprovals?.length || done.toolCalls[0]?.tool !== 'create_jira_issue')
      throw new Error(`"${text}" did not end after its answer: ${JSON.stringify(done)}`);
  }
  await conversations.send(conversation, 'Calculate 15 * 23');
  await conversations.end(conversation, 'recorded');
  await conversation.result();
  return historyToJSON(await conversation.fetchHistory());
}

/** Replays a history with the workflow code and plugin the orchestrator worker runs; throws on nondeterminism. */
export function replayConversation(history: unknown, id: string): Promise<void> {
  const plugin = createAgentsPlugin(testConfig().orchestrator);
  return Worker.runReplayHistory(
    { workflowBundle: { codePath: prebuiltBundle('orchestrator') }, plugins: [plugin] },
    history,
    id,
  );
}
