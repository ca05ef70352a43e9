/**
 * Turns run one at a time, in arrival order, since `serial-turns` (orchestrator/patches.ts), for both agent loops.
 * Temporal's `condition()` releases every waiter whose predicate holds in one pass, so two Updates waiting for a turn
 * used to start together when it ended. Here two Updates arrive while a first turn is held in its quote lookup; once
 * it is let go, the history must show the second turn's work wholly before the third's. Real Temporal, the real
 * orchestrator worker and MCP servers, offline model; the quote provider (an outside service) is the sample one,
 * held for the first symbol until the test lets it go. (Two Updates sent together to an idle conversation race only
 * when the server hands both to one workflow task, about half the time here; holding a turn makes the race certain.)
 */
import { WorkflowUpdateStage } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERIAL_TURNS_PATCH } from '../../orchestrator/patches';
import type { ConversationHandle } from '../../orchestrator/conversations';
import { sendMessageUpdate, type AgentLoop } from '../../orchestrator/contract/conversation';
import { sampleQuotes as sample, withQuote } from '../support/quotes';
import { historyText } from '../support/history';
import { startOrchestratorStack, type OrchestratorStack } from '../support/orchestrator-stack';
import { waitFor } from '../support/processes';

const HELD = 'AAPL';
/** One symbol a turn, none a substring of another, so each history event can be told to its turn. */
const SYMBOLS = [HELD, 'MSFT', 'NVDA'] as const;
const PRICES: Record<(typeof SYMBOLS)[number], string> = { AAPL: '227.48', MSFT: '431.20', NVDA: '146.67' };

let release: () => void = () => {};
let held = new Promise<void>((r) => (release = r));
const heldQuotes = withQuote(sample, {
  name: 'held-sample',
  quote: async (symbol) => {
    if (symbol === HELD) await held;
    return sample.quote(symbol);
  },
});

let stack: OrchestratorStack;

beforeAll(async () => {
  stack = await startOrchestratorStack({ quotes: heldQuotes, input: { model: 'offline' } });
});
afterAll(() => {
  release();
  return stack?.close();
});

type HistoryEvent = NonNullable<Awaited<ReturnType<ConversationHandle['fetchHistory']>>['events']>[number];

/**
 * The ids of a turn's model calls (local-activity markers) and MCP tool calls (scheduled, completed): those whose
 * payloads name its symbol. Tool discovery is left out: its tool list names symbols as examples.
 */
function turnEventIds(events: HistoryEvent[], symbol: string): number[] {
  const toolCalls = new Set(
    events
      .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'callMcpTool')
      .map((e) => Number(e.eventId)),
  );
  return events
    .filter(
      (e) =>
        (e.markerRecordedEventAttributes ||
          toolCalls.has(Number(e.eventId)) ||
          toolCalls.has(Number(e.activityTaskCompletedEventAttributes?.scheduledEventId))) &&
        historyText({ events: [e] }).includes(symbol),
    )
    .map((e) => Number(e.eventId));
}

describe.each<AgentLoop>(['agents-sdk', 'manual'])('serial turns, %s loop', (agentLoop) => {
  it('two Updates waiting for a turn run one after the other, in arrival order', async () => {
    held = new Promise<void>((r) => (release = r));
    const conversations = stack.conversationsWith({ agentLoop });
    const conversation = await conversations.start();
    const quoteCallsBefore = stack.finance.quoteCalls.length;
    const first = conversations.send(conversation, `What is the stock price of ${HELD}?`);
    await waitFor('the first turn to reach its quote lookup', () => stack.finance.quoteCalls.length > quoteCallsBefore);

    // Both accepted (their handlers waiting for the turn) before the first turn may end.
    const waiting = [];
    for (const symbol of SYMBOLS.slice(1)) {
      const update = await conversation.startUpdate(sendMessageUpdate, {
        args: [{ text: `What is the stock price of ${symbol}?` }],
        waitForStage: WorkflowUpdateStage.ACCEPTED,
      });
      waiting.push(update.result());
    }
    expect(stack.finance.quoteCalls.slice(quoteCallsBefore)).toEqual([HELD]); // the first turn is still held
    release();

    const replies = await Promise.all([first, ...waiting]);
    SYMBOLS.forEach((symbol, i) => {
      expect(replies[i]!.reply).toContain(`${symbol}: ${PRICES[symbol]} USD`);
      expect(replies[i]!.toolCalls).toEqual([expect.objectContaining({ tool: 'stock_price', ok: true })]);
    });

    const { entries } = await conversations.transcript(conversation);
    expect(entries.filter((e) => e.kind !== 'notice').map((e) => [e.kind, e.turn])).toEqual([
      ['user', 1],
      ['assistant', 1],
      ['user', 2],
      ['assistant', 2],
      ['user', 3],
      ['assistant', 3],
    ]);

    const history = await conversation.fetchHistory();
    const events = history.events ?? [];
    const turns = SYMBOLS.map((symbol) => turnEventIds(events, symbol));
    for (const ids of turns) expect(ids.length).toBeGreaterThanOrEqual(3); // model calls, tool call scheduled, completed
    // No interleaving: each turn's model and tool events come after every one of the turn before.
    for (let i = 1; i < turns.length; i++) expect(Math.min(...turns[i]!)).toBeGreaterThan(Math.max(...turns[i - 1]!));

    expect(historyText(history)).toContain(SERIAL_TURNS_PATCH);

    await conversations.end(conversation);
    await conversation.result();
  });
});
