/**
 * One workflow per conversation. Each user turn is an Update that runs the agent (turn.ts) and returns the reply;
 * the transcript is a Query; the end is a Signal or an idle timeout, and the history is kept short by
 * continue-as-new, carrying the conversation's state. The agent (agent.ts), its tools (tool-bridge/) and the
 * transcript (transcript.ts) live beside this file. Workflow code only: no I/O, no Node APIs, activity types only.
 */
import { TemporalOpenAIRunner, WorkflowSafeMemorySession } from '@temporalio/openai-agents/workflow';
import { allHandlersFinished, condition, continueAsNew, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { offeredToolNames } from './agent';
import { LOCAL_PLANNER_PATCH } from './patches';
import {
  MAX_MESSAGE_CHARS,
  OFFLINE_MODEL_NAME,
  endConversationSignal,
  sendMessageUpdate,
  transcriptQuery,
  type ConversationInput,
  type ConversationState,
} from './shared';
import { ToolBridge } from './tool-bridge';
import { now, Transcript, TurnLog } from './transcript';
import { runTurn, type TurnContext } from './turn';

// The manual loop's workflow (AGENT_LOOP=manual) is registered from this module too: one bundle, one worker, both loops.
export { manualConversationWorkflow } from './manual/workflows';

export interface ConversationResult {
  turns: number;
  endedBecause: string;
}

export async function conversationWorkflow(input: ConversationInput): Promise<ConversationResult> {
  const state: ConversationState = input.state ?? { items: [], transcript: [], turns: 0, catalog: [], unavailable: {}, startedAt: now() };
  const conversation: TurnContext = {
    input,
    state,
    memory: new WorkflowSafeMemorySession({ initialItems: state.items }),
    runner: new TemporalOpenAIRunner(
      input.model === OFFLINE_MODEL_NAME && patched(LOCAL_PLANNER_PATCH) ? { defaultModelParams: { useLocalActivity: true } } : undefined,
    ),
    tools: new ToolBridge(input, state),
    transcript: new Transcript(state.transcript),
  };
  const { memory, tools, transcript } = conversation;

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
        return await runTurn(conversation, text.trim());
      } finally {
        busy = false;
        pokes += 1;
      }
    },
    {
      validator: (request) => {
        const text = (request as { text?: unknown } | undefined)?.text;
        if (typeof text !== 'string' || text.trim() === '') throw new Error('text must be a non-empty string');
        if (text.length > MAX_MESSAGE_CHARS) throw new Error(`text must be at most ${MAX_MESSAGE_CHARS} characters (got ${text.length})`);
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
  }));

  setHandler(endConversationSignal, ({ reason }) => {
    endedBecause = reason || 'ended';
  });

  const historyTooLong = () =>
    workflowInfo().continueAsNewSuggested || (input.maxHistoryEvents !== undefined && workflowInfo().historyLength >= input.maxHistoryEvents);

  // Tools are discovered when the conversation starts, so the first turn finds them ready.
  if (!input.state) await tools.discover(new TurnLog(transcript));

  for (;;) {
    const seen = pokes;
    const stirred = await condition(() => pokes !== seen || endedBecause !== undefined || (!busy && historyTooLong()), input.idleTimeoutMs);
    if (endedBecause) break;
    if (!stirred && !busy) {
      endedBecause = `idle for ${input.idleTimeoutMs} ms`;
      break;
    }
    if (!busy && historyTooLong()) {
      await condition(() => allHandlersFinished() && !busy);
      state.items = await memory.getItems();
      await continueAsNew<typeof conversationWorkflow>({ ...input, state });
    }
  }

  await condition(() => allHandlersFinished() && !busy);
  transcript.add({ kind: 'notice', at: now(), text: `Conversation ended: ${endedBecause}.` });
  await tools.close();
  return { turns: state.turns, endedBecause };
}
