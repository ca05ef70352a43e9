/**
 * The manual loop's conversation workflow (AGENT_LOOP=manual): the same contract as conversationWorkflow (the
 * `sendMessage` Update per turn, the `transcript` Query, the `endConversation` Signal, the idle end, continue-as-new
 * carrying the state; all in ../conversation-loop.ts), so the chat, clients and tests do not care which loop runs.
 * Each turn is turn.ts's explicit plan → tool → plan loop instead of the Agents SDK's runner. Workflow code only.
 */
import { continueAsNew } from '@temporalio/workflow';
import { newConversationState, serveConversation, type ConversationResult } from '../conversation-loop';
import type { ConversationInput } from '../contract/conversation';
import { ToolBridge } from '../tool-bridge';
import { Transcript } from '../transcript';
import { planNextActionFor, runManualTurn, type ManualTurnContext } from './turn';

export async function manualConversationWorkflow(input: ConversationInput): Promise<ConversationResult> {
  const state = input.state ?? newConversationState();
  const transcript = new Transcript(state.transcript);
  const conversation: ManualTurnContext = {
    input,
    state,
    tools: new ToolBridge(input, state, transcript),
    transcript,
    plan: planNextActionFor(input),
  };
  return serveConversation({
    ...conversation,
    runTurn: (text) => runManualTurn(conversation, text),
    continueAsNew: (next) => continueAsNew<typeof manualConversationWorkflow>(next),
  });
}
