/**
 * The conversation's idle end since `idle-timer-per-idle-period` (orchestrator/patches.ts), for both agent loops:
 * turns no longer cancel and restart the idle timer, yet a conversation still ends only once it has been idle for its
 * whole idle timeout after its last turn. Real Temporal, the real orchestrator worker and MCP servers, offline model.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDLE_TIMER_PATCH } from '../../orchestrator/patches';
import type { AgentLoop } from '../../orchestrator/contract/conversation';
import { historyText } from '../support/history';
import { startOrchestratorStack, type OrchestratorStack } from '../support/orchestrator-stack';

let stack: OrchestratorStack;

beforeAll(async () => {
  stack = await startOrchestratorStack({ input: { model: 'offline' } });
});
afterAll(() => stack?.close());

/** Long enough that three quick turns fit in it on a loaded machine; the test waits for it once. */
const IDLE_TIMEOUT_MS = 5000;
const TURNS = ['Calculate 15 * 23', 'What is the stock price of AAPL?', 'Calculate 2 + 2'];

const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;

describe.each<AgentLoop>(['agents-sdk', 'manual'])('idle end, %s loop', (agentLoop) => {
  it('ends after a whole idle timeout since the last turn, on one timer per idle period', async () => {
    const conversations = stack.conversationsWith({ agentLoop, idleTimeoutMs: IDLE_TIMEOUT_MS });
    const conversation = await conversations.start();
    for (const text of TURNS) expect((await conversations.send(conversation, text)).toolCalls[0]?.ok).toBe(true);

    expect(await conversation.result()).toEqual({
      turns: TURNS.length,
      endedBecause: `idle for ${IDLE_TIMEOUT_MS} ms`,
    });
    const history = await conversation.fetchHistory();
    const events = history.events ?? [];
    expect(historyText(history)).toContain(IDLE_TIMER_PATCH);
    // Before the patch each turn cancelled the idle timer and started one twice: seven timers for three turns.
    expect(events.filter((e) => e.timerCanceledEventAttributes)).toHaveLength(0);
    // Workflow time at the last turn's end is the start of the workflow task that finished it.
    const lastTurn = events.findLastIndex((e) => e.workflowExecutionUpdateCompletedEventAttributes);
    const lastTurnEnded = events.slice(0, lastTurn).findLast((e) => e.workflowTaskStartedEventAttributes);
    // One timer per idle period: the first, one more each time it fired while turns were still coming (a loaded
    // machine, or a cold calculator thread, can stretch the turns past one timeout), and the last.
    const busyMs = ms(lastTurnEnded?.eventTime) - ms(events[0]?.eventTime);
    const periods = 1 + Math.ceil(busyMs / IDLE_TIMEOUT_MS);
    expect(events.filter((e) => e.timerStartedEventAttributes).length).toBeLessThanOrEqual(periods);
    const completed = events.find((e) => e.workflowExecutionCompletedEventAttributes);
    expect(ms(completed?.eventTime) - ms(lastTurnEnded?.eventTime)).toBeGreaterThanOrEqual(IDLE_TIMEOUT_MS);
  });
});
