/**
 * Issue 26: one chat message must not take the orchestrator worker down. A real orchestrator worker process
 * (orchestrator/main.ts) on the run's Temporal server, its model an OpenAI-compatible endpoint (a local fake speaking
 * Chat Completions) that asks for the calculator with the two expressions: each turn completes with the
 * refusal as the tool's output, in one attempt, the process stays up, and the next turns on the same worker answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationHandle } from '../../orchestrator/conversations';
import { startOpenAiChatFake, type OpenAiChatFake } from '../fakes/openai-chat';
import { spawnEntry, waitFor, type Spawned } from '../support/processes';
import { startOrchestratorStack, type OrchestratorStack } from '../support/orchestrator-stack';

let fake: OpenAiChatFake;
let stack: OrchestratorStack;
let worker: Spawned;
/** Resolves, with the process's last words, if the worker exits. */
let workerExit: Promise<string>;

beforeAll(async () => {
  fake = await startOpenAiChatFake();
  stack = await startOrchestratorStack({ inProcessWorker: false, input: { model: 'fake-llm' } });
  worker = spawnEntry('orchestrator/main.ts', {
    ...stack.env,
    OPENAI_BASE_URL: `${fake.url}/v1`,
    LLM_MODEL: 'fake-llm',
  });
  workerExit = new Promise((resolve) =>
    worker.child.once('exit', (code, signal) =>
      resolve(`the orchestrator worker exited (${code ?? signal}):\n${worker.output().slice(-2000)}`),
    ),
  );
  await waitFor('orchestrator worker', () => worker.output().includes('orchestrator worker ready'), 120_000, worker);
});
afterAll(async () => {
  await worker?.kill();
  await stack?.close();
  await fake?.close();
});

/** One turn in which the model calls the calculator with `expression`; fails at once if the worker dies meanwhile. */
async function calculateIn(conversation: ConversationHandle, expression: string) {
  fake.plan = { tool: 'calculator', arguments: { expression } };
  const reply = stack.conversations.send(conversation, `calculate ${expression}`);
  return Promise.race([
    reply,
    workerExit.then((why) => {
      throw new Error(why);
    }),
  ]);
}

describe('the calculator while the worker keeps serving', () => {
  it(
    'refuses what would stall or crash the worker, as a tool result, and the worker answers on',
    {
      timeout: 300_000,
    },
    async () => {
      const conversation = await stack.conversations.start();

      const heap = await calculateIn(conversation, 'size(random([25000,25000]))');
      expect(heap.toolCalls).toEqual([expect.objectContaining({ tool: 'calculator', server: 'local', ok: false })]);
      expect(heap.reply).toMatch(/^From the tool: Error: the function size is not available in the calculator; /);

      const cpu = await calculateIn(conversation, 'combinations(1e9, 5e8)');
      expect(cpu.toolCalls).toEqual([expect.objectContaining({ tool: 'calculator', ok: false })]);
      expect(cpu.reply).toBe(
        'From the tool: Error: too large to compute: combinations(1e+9, 5e+8) ' +
          '(min(k, n - k) at most 1000; larger ones are not finite)',
      );

      // Each refusal was the activity's answer at its first attempt, not a failure retried.
      const history = await conversation.fetchHistory();
      const calculations = (history.events ?? []).filter(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'calculate',
      );
      expect(calculations).toHaveLength(2);
      const attempts = (history.events ?? []).flatMap((e) => e.activityTaskStartedEventAttributes?.attempt ?? []);
      expect(attempts.every((a) => a === 1)).toBe(true);

      // The same process serves this conversation's next turn, and another conversation.
      expect(worker.child.exitCode).toBeNull();
      expect((await calculateIn(conversation, '6 * 7')).reply).toBe('From the tool: 6 * 7 = 42');
      const other = await stack.conversations.start();
      expect((await calculateIn(other, 'sqrt(144) + 5!')).reply).toBe('From the tool: sqrt(144) + 5! = 132');
      expect(worker.child.exitCode).toBeNull();
    },
  );
});
