/**
 * What every conversation workflow shares, whichever agent loop runs its turns: the `sendMessage` Update (one turn at
 * a time, in arrival order), the `transcript` Query, the `endConversation` Signal, the idle end, and continue-as-new
 * carrying the state. A loop supplies only how a turn runs. Workflow code only.
 */
import { allHandlersFinished, condition, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { offeredToolNames } from './agent';
import { IDLE_TIMER_PATCH, SERIAL_TURNS_PATCH } from './patches';
import {
  MAX_MESSAGE_CHARS,
  endConversationSignal,
  sendMessageUpdate,
  transcriptQuery,
  type ConversationInput,
  type ConversationState,
  type TurnReply,
} from './shared';
import type { ToolBridge } from './tool-bridge';
import { now, TurnLog, type Transcript } from './transcript';

export interface ConversationResult {
  turns: number;
  endedBecause: string;
}

export interface ConversationLoop {
  input: ConversationInput;
  state: ConversationState;
  tools: ToolBridge;
  transcript: Transcript;
  runTurn(text: string): Promise<TurnReply>;
  /** Continue-as-new with this input (the loop's own workflow type); first saves what lives outside `state`. */
  continueAsNew(next: ConversationInput): Promise<never>;
}

export async function serveConversation({
  input,
  state,
  tools,
  transcript,
  runTurn,
  continueAsNew,
}: ConversationLoop): Promise<ConversationResult> {
  let busy = false;
  let pokes = 0; // counts turns starting and finishing, so the loop before IDLE_TIMER_PATCH wakes for each
  let lastTurnEnded = Date.now(); // or the run started: idle time counts from here
  let endedBecause: string | undefined;

  setHandler(
    sendMessageUpdate,
    async ({ text }) => {
      // Turns run one at a time, in arrival order. condition() wakes every waiter at once when a turn ends, in the
      // order they began to wait; the first takes the turn and the rest wait again, still in that order.
      if (patched(SERIAL_TURNS_PATCH)) while (busy) await condition(() => !busy);
      else await condition(() => !busy); // runs from before it: the waiters woken together all ran their turns
      busy = true;
      pokes += 1;
      try {
        return await runTurn(text.trim());
      } finally {
        busy = false;
        pokes += 1;
        lastTurnEnded = Date.now();
      }
    },
    {
      validator: (request) => {
        const text = (request as { text?: unknown } | undefined)?.text;
        if (typeof text !== 'string' || text.trim() === '') throw new Error('text must be a non-empty string');
        if (text.length > MAX_MESSAGE_CHARS)
          throw new Error(`text must be at most ${MAX_MESSAGE_CHARS} characters (got ${text.length})`);
        if (endedBecause) throw new Error(`this conversation has ended (${endedBecause}); start a new one`);
      },
    },
  );

  setHandler(transcriptQuery, () => ({
    conversationId: workflowInfo().workflowId,
    model: input.model,
    turns: state.turns,
    itSessionId: tools.itSessionId ?? null,
    tools: offeredToolNames(tools),
    unavailableServers: state.unavailable,
    entries: state.transcript,
    tasks: state.tasks ?? [],
  }));

  setHandler(endConversationSignal, ({ reason }) => {
    endedBecause = reason || 'ended';
  });

  // A background task in flight belongs to this run (an activity or a Nexus operation): continue-as-new waits for it.
  const historyTooLong = () =>
    tools.backgroundTasksRunning === 0 &&
    (workflowInfo().continueAsNewSuggested ||
      (input.maxHistoryEvents !== undefined && workflowInfo().historyLength >= input.maxHistoryEvents));

  // Tools are discovered when the conversation starts, so the first turn finds them ready.
  if (!input.state) await tools.discover(new TurnLog(transcript));

  const continueWhenQuiet = async () => {
    await condition(() => allHandlersFinished() && !busy);
    await continueAsNew({ ...input, state });
  };

  if (patched(IDLE_TIMER_PATCH)) {
    // One timer per idle period. When it fires after turns have run, it starts again for what is left of the idle
    // time, counted from the last turn's end (after the turn, if one is running).
    for (;;) {
      const idleLeft = input.idleTimeoutMs - (Date.now() - lastTurnEnded);
      const stirred =
        idleLeft > 0 && (await condition(() => endedBecause !== undefined || (!busy && historyTooLong()), idleLeft));
      if (endedBecause) break;
      if (stirred) await continueWhenQuiet();
      else if (busy) await condition(() => !busy || endedBecause !== undefined);
      else if (Date.now() - lastTurnEnded >= input.idleTimeoutMs) {
        endedBecause = `idle for ${input.idleTimeoutMs} ms`;
        break;
      }
    }
  } else {
    // Runs started before it: the loop wakes at each turn's start and end, and each wake starts a new idle timer.
    for (;;) {
      const seen = pokes;
      const stirred = await condition(
        () => pokes !== seen || endedBecause !== undefined || (!busy && historyTooLong()),
        input.idleTimeoutMs,
      );
      if (endedBecause) break;
      if (!stirred && !busy) {
        endedBecause = `idle for ${input.idleTimeoutMs} ms`;
        break;
      }
      if (!busy && historyTooLong()) await continueWhenQuiet();
    }
  }

  await condition(() => allHandlersFinished() && !busy);
  transcript.add({ kind: 'notice', at: now(), text: `Conversation ended: ${endedBecause}.` });
  await tools.close();
  return { turns: state.turns, endedBecause };
}

export const newConversationState = (): ConversationState => ({
  items: [],
  transcript: [],
  turns: 0,
  catalog: [],
  unavailable: {},
  startedAt: now(),
});
