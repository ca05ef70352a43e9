/**
 * Ids that are capabilities stay out of what others read: the IT session's handle (the conversation supplies it, so
 * the model never needs it) is masked in every IT result the model reads, including a long-running tool's result
 * that names a session it opened itself; and the Web UI summary of the activity that follows an MCP task names the
 * tool, not the task id.
 */
import type { ModelRequest } from '@openai/agents-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationHandle } from '../../orchestrator/conversations';
import { HIDDEN_HANDLE } from '../../orchestrator/tool-bridge/it-session';
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

const WATCH = { every_seconds: 1, for_minutes: 0.05 }; // about three lookups

/** Every `"session_id": "…"` value in the tool results the model was shown. */
function handlesShown(requests: ModelRequest[]): string[] {
  const texts = requests.flatMap(seenTexts).join('\n');
  return [...texts.matchAll(/"session_id":\s*"([^"]*)"/g)].map((m) => m[1]!);
}

/** Starts watch_ip, waits for it to end, and has the model read its result with check_task. */
async function watchAndCheck(conversation: ConversationHandle): Promise<string> {
  model.push(callTool('watch_ip', WATCH), say('Watching.'));
  const started = await stack.conversations.send(conversation, 'Watch my IP for a few seconds');
  const taskId = /\(task_id (\S+)\)/.exec(started.toolCalls[0]!.summary)![1]!;
  await waitFor(
    'the watch to end',
    async () => (await stack.conversations.transcript(conversation)).tasks.some((t) => t.status !== 'working'),
    60_000,
  );
  model.push(callTool('check_task', { task_id: taskId }), (request) => say(seenTexts(request).at(-1)!));
  const checked = await stack.conversations.send(conversation, 'How did the watch go?');
  expect(checked.reply).toMatch(/completed at .*Result: Watched the IP \d+ times in session \S+/);
  return taskId;
}

describe('the IT session handle is hidden from the model', () => {
  it('in the results of session tools and of a long-running IT tool in the session', async () => {
    const from = model.requests.length;
    const conversation = await stack.conversations.start();
    model.push(
      callTool('set_jira_project', { project: 'SEC' }),
      callTool('track_ip', {}),
      callTool('get_ip_history', {}),
      say('Done.'),
    );
    const reply = await stack.conversations.send(conversation, 'Use SEC, track my IP and show the history');
    expect(reply.toolCalls.map((c) => [c.tool, c.ok])).toEqual([
      ['set_jira_project', true],
      ['track_ip', true],
      ['get_ip_history', true],
    ]);
    await watchAndCheck(conversation);

    const { itSessionId, entries } = await stack.conversations.transcript(conversation);
    expect(itSessionId).toMatch(/^[A-Za-z0-9_-]{16,128}$/);
    const requests = model.requests.slice(from);
    expect(JSON.stringify(requests)).not.toContain(itSessionId);
    expect(handlesShown(requests)).toContain(HIDDEN_HANDLE);
    expect(new Set(handlesShown(requests))).toEqual(new Set([HIDDEN_HANDLE]));
    // Nor do the transcript's tool-call summaries and notices name it (the Query still gives it to the chat).
    expect(JSON.stringify(entries)).not.toContain(itSessionId);
  });

  it('in the result of a long-running IT tool that opened a session of its own', async () => {
    const from = model.requests.length;
    const conversation = await stack.conversations.start();
    await watchAndCheck(conversation);
    const shown = handlesShown(model.requests.slice(from));
    expect(shown.length).toBeGreaterThan(0);
    expect(new Set(shown)).toEqual(new Set([HIDDEN_HANDLE]));
  });
});

describe('the activity that follows an MCP task', () => {
  it('has a summary that names the tool, not the task id', async () => {
    const conversation = await stack.conversations.start();
    const taskId = await watchAndCheck(conversation);
    const { events } = await conversation.fetchHistory();
    const followers = (events ?? []).filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'awaitMcpToolTask',
    );
    expect(followers).toHaveLength(1);
    const summary = JSON.parse(Buffer.from(followers[0]!.userMetadata!.summary!.data!).toString('utf8')) as string;
    expect(summary).toBe('follow watch_ip task');
    expect(summary).not.toContain(taskId);
  });
});
