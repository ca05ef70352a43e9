/**
 * A conversation keeps a bounded state (orchestrator/state-bounds.ts): fifty background tasks whose results are
 * about 120 KB each (a quote provider with a long source note; six 1,000-check watch_ip results are as big) would
 * carry 12 MB across continue-as-new when every result was kept twice, far past Temporal's 2 MB payload limit, and
 * the conversation stopped answering. With the bounds it continues as new and answers; check_task still answers for
 * a recent task (its result capped, saying so) and for an old one ("no longer kept").
 */
import type { ModelRequest, ModelResponse } from '@openai/agents-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAX_FINISHED_TASKS, MAX_TASK_RESULT_CHARS } from '../../orchestrator/state-bounds';
import { sampleQuotes as sample, withQuote } from '../support/quotes';
import { callTool, say, ScriptedModelProvider, seenTexts } from '../fakes/scripted-model';
import { startOrchestratorStack, type OrchestratorStack } from '../support/orchestrator-stack';
import { waitFor } from '../support/processes';

const SOURCE_NOTE_CHARS = 60_000;
const ROUNDS = 10;
const TASKS_PER_ROUND = 5; // below any per-caller bound on running tasks

/** Sample prices with a long source note: price_alert's result repeats it in its summary line and its JSON. */
const verboseQuotes = withQuote(sample, {
  name: 'sample-verbose',
  quote: async (symbol) => {
    const quote = await sample.quote(symbol);
    return { ...quote, source: `${quote.source}; ${'provenance '.repeat(SOURCE_NOTE_CHARS / 11)}` };
  },
});

let stack: OrchestratorStack;
const provider = new ScriptedModelProvider();
const model = provider.model;

beforeAll(async () => {
  stack = await startOrchestratorStack({
    modelProvider: provider,
    quotes: verboseQuotes,
    input: { model: 'scripted-model', maxHistoryEvents: 200 },
  });
});
afterAll(() => stack?.close());

// IBM is above 1 at the first check: each alert ends at once with a large result.
const ALERT = { symbol: 'IBM', direction: 'above', threshold: 1, check_every_seconds: 1, watch_minutes: 0.05 };

function callTools(...responses: ModelResponse[]): ModelResponse {
  return { output: responses.flatMap((r) => r.output), usage: responses[0]!.usage };
}

it('a conversation that ran fifty long tasks with large results continues as new and still answers', async () => {
  const conversation = await stack.conversations.start();
  const firstRunId = (await conversation.describe()).runId;
  const ids: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    model.push(
      callTools(...Array.from({ length: TASKS_PER_ROUND }, () => callTool('price_alert', ALERT))),
      say('Watching.'),
    );
    const reply = await stack.conversations.send(conversation, `Alert me on IBM, round ${round}`);
    expect(reply.toolCalls.map((c) => c.ok)).toEqual(Array(TASKS_PER_ROUND).fill(true));
    ids.push(...reply.toolCalls.map((c) => /\(task_id (\S+)\)/.exec(c.summary)![1]!));
    await waitFor(
      `the tasks of round ${round} to end`,
      async () => {
        const { entries } = await stack.conversations.transcript(conversation);
        const ended = entries.filter(
          (e) => e.kind === 'notice' && /^Background task \S+ \(price_alert\) completed/.test(e.text),
        );
        return ended.length >= (round + 1) * TASKS_PER_ROUND;
      },
      60_000,
    );
  }
  expect(new Set(ids).size).toBe(ROUNDS * TASKS_PER_ROUND);

  // The next turn reads the oldest and the newest task, in a run continued as new.
  const [oldest, newest] = [ids[0]!, ids.at(-1)!];
  let seen: ModelRequest | undefined;
  model.push(
    callTools(callTool('check_task', { task_id: oldest }), callTool('check_task', { task_id: newest })),
    (request) => {
      seen = request;
      return say('Checked.');
    },
  );
  const reply = await stack.conversations.send(conversation, 'How did the first and the last alert go?');
  expect(reply.reply).toBe('Checked.');
  expect((await conversation.describe()).runId).not.toBe(firstRunId);

  const [aboutOldest, aboutNewest] = seenTexts(seen!).slice(-2);
  expect(aboutOldest).toMatch(new RegExp(`^Background task ${oldest} finished and is no longer kept`));
  expect(aboutNewest).toMatch(
    new RegExp(`^price_alert task ${newest}, started .*: completed at .*Result: IBM is above 1`),
  );
  expect(aboutNewest).toMatch(/\[truncated: the whole result was \d{6} characters\]$/);
  expect(aboutNewest!.length).toBeLessThan(MAX_TASK_RESULT_CHARS + 200);

  // What the conversation keeps: the recent finished tasks, and a transcript with a line per task.
  const view = await stack.conversations.transcript(conversation);
  expect(view.tasks.map((t) => t.id).sort()).toEqual(ids.slice(-MAX_FINISHED_TASKS).sort());
  expect(JSON.stringify(view).length).toBeLessThan(1_000_000);
}, 300_000);
