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

/** Replays a history with the workflow code and plugin the orchestrator worker runs; throws on nondeterminism. */
export function replayConversation(history: unknown, id: string): Promise<void> {
  const plugin = createAgentsPlugin(testConfig().orchestrator);
  return Worker.runReplayHistory(
    { workflowBundle: { codePath: prebuiltBundle('orchestrator') }, plugins: [plugin] },
    history,
    id,
  );
}
