/**
 * What every conversation workflow shares, whichever agent loop runs its turns: the `sendMessage` Update (one turn at
 * a time, in arrival order), the `transcript` Query, the `endConversation` Signal, the idle end, and continue-as-new
 * carrying the state. A loop supplies only how a turn runs. Workflow code only.
 */
import { allHandlersFinished, condition, setHandler, workflowInfo } from '@temporalio/workflow';
import { offeredToolNames } from './agent';
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
  let pokes = 0; // counts turns starting and finishing, so the loop below wakes for each
  let endedBecause: string | undefined;

  setHandler(
    sendMessageUpdate,
    async ({ text }) => {
      await condition(() => !busy); // turns run one at a time, in arrival order
      busy = true;
      pokes += 1;
      try {
        return await runTurn(text.trim());
      } finally {
        busy = false;
        pokes += 1;
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
    if (!busy && historyTooLong()) {
      await condition(() => allHandlersFinished() && !busy);
      await continueAsNew({ ...input, state });
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
