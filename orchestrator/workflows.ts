/**
 * One workflow per conversation. Each user turn is an Update that runs the agent (turn.ts) and returns the reply;
 * the transcript is a Query; the end is a Signal or an idle timeout, and the history is kept short by
 * continue-as-new, carrying the conversation's state (conversation-loop.ts, shared with the manual loop). The agent
 * (agent.ts), its tools (tool-bridge/) and the transcript (transcript.ts) live beside this file. Workflow code only:
 * no I/O, no Node APIs, activity types only.
 */
import { setTracingDisabled } from '@openai/agents-core';
import { TemporalOpenAIRunner, WorkflowSafeMemorySession } from '@temporalio/openai-agents/workflow';
import { continueAsNew, patched } from '@temporalio/workflow';
import { newConversationState, serveConversation, type ConversationResult } from './conversation-loop';
import { AGENT_TRACING_PATCH, LOCAL_PLANNER_PATCH } from './patches';
import { OFFLINE_MODEL_NAME, type ConversationInput } from './contract/conversation';
import { ToolBridge } from './tool-bridge';
import { Transcript } from './transcript';
import { runTurn, type TurnContext } from './turn';

// The manual loop's workflow (AGENT_LOOP=manual) is registered from this module too: one bundle, one worker, both loops.
export { manualConversationWorkflow } from './manual/workflows';
export type { ConversationResult };

export async function conversationWorkflow(input: ConversationInput): Promise<ConversationResult> {
  const state = input.state ?? newConversationState();
  const transcript = new Transcript(state.transcript);
  const memory = new WorkflowSafeMemorySession({ initialItems: state.items });
  const runner = new TemporalOpenAIRunner(
    input.model === OFFLINE_MODEL_NAME && patched(LOCAL_PLANNER_PATCH)
      ? { defaultModelParams: { useLocalActivity: true } }
      : undefined,
  );
  // After the runner: its constructor turns the SDK's tracing on. The trace provider lives in this run's globals.
  const agentTracing = input.agentTracing === true || !patched(AGENT_TRACING_PATCH);
  if (!agentTracing) setTracingDisabled(true);
  const conversation: TurnContext = {
    input,
    state,
    memory,
    runner,
    agentTracing,
    tools: new ToolBridge(input, state, transcript),
    transcript,
  };
  return serveConversation({
    ...conversation,
    runTurn: (text) => runTurn(conversation, text),
    continueAsNew: async (next) => {
      state.items = await conversation.memory.getItems();
      return continueAsNew<typeof conversationWorkflow>(next);
    },
  });
}
