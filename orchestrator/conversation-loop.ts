/**
 * What every conversation workflow shares, whichever agent loop runs its turns: the `sendMessage` Update (one turn at
 * a time, in arrival order), the `transcript` Query, the `endConversation` Signal, the idle end, and continue-as-new
 * carrying the state. A loop supplies only how a turn runs. Workflow code only.
 */
import { allHandlersFinished, condition, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { offeredToolNames } from './agent';
import { APPROVALS_PATCH, IDLE_TIMER_PATCH, SERIAL_TURNS_PATCH } from './patches';
import { describeQuestion } from './approvals';
import {
  MAX_MESSAGE_CHARS,
  answerApprovalUpdate,
  endConversationSignal,
  sendMessageUpdate,
  transcriptQuery,
  type ConversationInput,
  type ConversationState,
  type TurnReply,
} from './contract/conversation';
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
  const loop: LoopState = { busy: false, pokes: 0, lastTurnEnded: Date.now() };

  const approvals = tools.approvals;
  /** The turn running now: its reply once it has ended. */
  let current: { reply?: TurnReply; error?: unknown; settled: boolean } | undefined;
  /** Questions no answer has been given to yet. */
  const unanswered = () => approvals.pending.filter((q) => !approvals.answered(q.id));

  /**
   * The turn's reply, or, while it waits for approvals, a reply that says so (`pendingApprovals`): the Update that
   * started the turn, or answered an approval, returns then, and the turn waits on in the workflow.
   */
  const replyOrQuestions = async (turn: number): Promise<TurnReply> => {
    const running = current!;
    await condition(() => running.settled || unanswered().length > 0);
    if (running.settled) {
      if (running.error !== undefined) throw running.error;
      return running.reply!;
    }
    return { turn, reply: '', toolCalls: [], notices: [], pendingApprovals: unanswered() };
  };

  setHandler(
    sendMessageUpdate,
    async ({ text }) => {
      // Turns run one at a time, in arrival order. condition() wakes every waiter at once when a turn ends, in the
      // order they began to wait; the first takes the turn and the rest wait again, still in that order.
      if (patched(SERIAL_TURNS_PATCH)) while (loop.busy) await condition(() => !loop.busy);
      else await condition(() => !loop.busy); // runs from before it: the waiters woken together all ran their turns
      loop.busy = true;
      loop.pokes += 1;
      const running: NonNullable<typeof current> = { settled: false };
      current = running;
      // The turn runs on its own: while it waits for a person's approval, this Update returns the question.
      const turn = runTurn(text.trim())
        .then(
          (reply) => (running.reply = reply),
          (err: unknown) => (running.error = err),
        )
        .finally(() => {
          running.settled = true;
          loop.busy = false;
          loop.pokes += 1;
          loop.lastTurnEnded = Date.now();
        });
      if (!patched(APPROVALS_PATCH)) {
        // Runs from before it: the Update completes as the turn ends, before the loop wakes (a wait on a condition
        // would complete it after the idle timer the loop starts then, which those histories do not have).
        await turn;
        if (running.error !== undefined) throw running.error;
        return running.reply!;
      }
      return replyOrQuestions(state.turns);
    },
    {
      validator: (request) => {
        const text = (request as { text?: unknown } | undefined)?.text;
        if (typeof text !== 'string' || text.trim() === '') throw new Error('text must be a non-empty string');
        if (text.length > MAX_MESSAGE_CHARS)
          throw new Error(`text must be at most ${MAX_MESSAGE_CHARS} characters (got ${text.length})`);
        if (loop.endedBecause) throw new Error(`this conversation has ended (${loop.endedBecause}); start a new one`);
        const waiting = unanswered();
        if (waiting.length > 0) {
          const asks = waiting.map((q) => `${q.id}: ${describeQuestion(q)}`).join('; ');
          throw new Error(`the current turn waits for your approval (${asks}); answer it before sending a new message`);
        }
      },
    },
  );

  setHandler(
    answerApprovalUpdate,
    async (answer) => {
      approvals.answer(answer, answer.by);
      return replyOrQuestions(state.turns);
    },
    {
      validator: (answer) => {
        const by = (answer as { by?: unknown } | undefined)?.by;
        if (by !== undefined && (typeof by !== 'string' || by.length === 0 || by.length > 128))
          throw new Error('by must be a name of 1 to 128 characters');
        const refusal = approvals.refusal(answer);
        if (refusal) throw new Error(refusal);
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
    pendingApprovals: unanswered(),
  }));

  setHandler(endConversationSignal, ({ reason }) => {
    loop.endedBecause = reason || 'ended';
  });

  // A background task in flight belongs to this run (an activity or a Nexus operation): continue-as-new waits for it.
  const historyTooLong = () =>
    tools.backgroundTasksRunning === 0 &&
    (workflowInfo().continueAsNewSuggested ||
      (input.maxHistoryEvents !== undefined && workflowInfo().historyLength >= input.maxHistoryEvents));

  // Tools are discovered when the conversation starts, so the first turn finds them ready.
  if (!input.state) await tools.discover(new TurnLog(transcript));

  const continueWhenQuiet = async () => {
    await condition(() => allHandlersFinished() && !loop.busy);
    await continueAsNew({ ...input, state });
  };
  const idle: IdleWatch = { loop, idleTimeoutMs: input.idleTimeoutMs, historyTooLong, continueWhenQuiet };

  if (patched(IDLE_TIMER_PATCH)) await idleUntilEnd(idle);
  else await idleUntilEndBeforeIdleTimerPatch(idle);

  await condition(() => allHandlersFinished() && !loop.busy);
  const endedBecause = loop.endedBecause!; // both idle loops return once it is set
  transcript.add({ kind: 'notice', at: now(), text: `Conversation ended: ${endedBecause}.` });
  await tools.close();
  return { turns: state.turns, endedBecause };
}

/** What the Update handlers tell the idle loop. */
interface LoopState {
  /** A turn is running. */
  busy: boolean;
  /** Counts turns starting and finishing, so the loop before IDLE_TIMER_PATCH wakes for each. */
  pokes: number;
  /** When the last turn ended, or the run started: idle time counts from here. */
  lastTurnEnded: number;
  /** Set when the conversation ends (the Signal, or idle). */
  endedBecause?: string;
}

interface IdleWatch {
  loop: LoopState;
  idleTimeoutMs: number;
  /** Continue-as-new is due (and no background task holds this run). */
  historyTooLong(): boolean;
  continueWhenQuiet(): Promise<void>;
}

/**
 * Waits until the conversation ends (`loop.endedBecause` says why), continuing as new when the history is long. One
 * timer per idle period: when it fires after turns have run, it starts again for what is left of the idle time,
 * counted from the last turn's end (after the turn, if one is running).
 */
async function idleUntilEnd({ loop, idleTimeoutMs, historyTooLong, continueWhenQuiet }: IdleWatch): Promise<void> {
  for (;;) {
    const idleLeft = idleTimeoutMs - (Date.now() - loop.lastTurnEnded);
    const stirred =
      idleLeft > 0 &&
      (await condition(() => loop.endedBecause !== undefined || (!loop.busy && historyTooLong()), idleLeft));
    if (loop.endedBecause) return;
    if (stirred) await continueWhenQuiet();
    else if (loop.busy) await condition(() => !loop.busy || loop.endedBecause !== undefined);
    else if (Date.now() - loop.lastTurnEnded >= idleTimeoutMs) {
      loop.endedBecause = `idle for ${idleTimeoutMs} ms`;
      return;
    }
  }
}

/**
 * `idleUntilEnd` in runs started before IDLE_TIMER_PATCH (docs/patches.md): the loop wakes at each turn's start and
 * end, and each wake starts a new idle timer.
 */
async function idleUntilEndBeforeIdleTimerPatch({
  loop,
  idleTimeoutMs,
  historyTooLong,
  continueWhenQuiet,
}: IdleWatch): Promise<void> {
  for (;;) {
    const seen = loop.pokes;
    const stirred = await condition(
      () => loop.pokes !== seen || loop.endedBecause !== undefined || (!loop.busy && historyTooLong()),
      idleTimeoutMs,
    );
    if (loop.endedBecause) return;
    if (!stirred && !loop.busy) {
      loop.endedBecause = `idle for ${idleTimeoutMs} ms`;
      return;
    }
    if (!loop.busy && historyTooLong()) await continueWhenQuiet();
  }
}

export const newConversationState = (): ConversationState => ({
  items: [],
  transcript: [],
  turns: 0,
  catalog: [],
  unavailable: {},
  startedAt: now(),
});
