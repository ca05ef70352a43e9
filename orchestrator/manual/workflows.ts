/**
 * The manual loop's conversation workflow (AGENT_LOOP=manual): the same contract as conversationWorkflow (the
 * `sendMessage` Update per turn, the `transcript` Query, the `endConversation` Signal, the idle end, continue-as-new
 * carrying the state), so the chat, clients and tests do not care which loop runs. Each turn is turn.ts's explicit
 * plan → tool → plan loop instead of the Agents SDK's runner. Workflow code only: no I/O, activity types only.
 */
import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { offeredToolNames } from '../agent';
import {
  MAX_MESSAGE_CHARS,
  endConversationSignal,
  sendMessageUpdate,
  transcriptQuery,
  type ConversationInput,
  type ConversationState,
} from '../shared';
import { ToolBridge } from '../tool-bridge';
import { now, Transcript, TurnLog } from '../transcript';
import type { ConversationResult } from '../workflows';
import { planNextActionFor, runManualTurn, type ManualTurnContext } from './turn';

export async function manualConversationWorkflow(input: ConversationInput): Promise<ConversationResult> {
  const state: ConversationState = input.state ?? { items: [], transcript: [], turns: 0, catalog: [], unavailable: {}, startedAt: now() };
  const conversation: ManualTurnContext = {
    input,
    state,
    tools: new ToolBridge(input, state),
    transcript: new Transcript(state.transcript),
    plan: planNextActionFor(input),
  };
  const { tools, transcript } = conversation;

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
        return await runManualTurn(conversation, text.trim());
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
      await continueAsNew<typeof manualConversationWorkflow>({ ...input, state });
    }
  }

  await condition(() => allHandlersFinished() && !busy);
  transcript.add({ kind: 'notice', at: now(), text: `Conversation ended: ${endedBecause}.` });
  await tools.close();
  return { turns: state.turns, endedBecause };
}
