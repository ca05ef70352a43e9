/**
 * The conversation's agent, built afresh for each turn from the conversation's state: its instructions (with the
 * digest of trimmed turns and the servers that are down) and its tools, the local ones first, then every remote tool
 * the servers list.
 */
import { Agent } from '@openai/agents-core';
import type { ConversationState } from './contract/conversation';
import type { ToolBridge } from './tool-bridge';
import { calculatorTool } from './tools/calculator-tool';
import type { LocalToolSpec } from './tools/local-tool';
import { weatherTool } from './tools/weather/tool';
import type { TurnLog } from './transcript';

/** The orchestrator's own tools, offered before the remote ones (the manual loop offers the same). */
export const localTools: readonly LocalToolSpec[] = [calculatorTool, weatherTool];
const localToolNames = localTools.map((t) => t.name);

/** The system prompt, the same for both agent loops. */
export function instructions(state: Pick<ConversationState, 'summary' | 'unavailable'>): string {
  const unavailable = Object.entries(state.unavailable).map(([server, why]) => `${server} (${why})`);
  return [
    'You are a helpful assistant. Use the tools for facts, numbers and actions; never guess a price, a metric or an address.',
    "Finance tools give stock prices and investment growth; IT tools keep a Jira project and an IP history in this conversation's own session.",
    'Answer briefly and say which data is sample data when the tool says so. When a tool fails, tell the user plainly what failed.',
    state.summary ? `Earlier turns of this conversation, summarised:\n${state.summary}` : '',
    unavailable.length ? `Unavailable tool servers: ${unavailable.join('; ')}` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
}

export function buildAgent(opts: {
  model: string;
  state: ConversationState;
  tools: ToolBridge;
  turnLog: TurnLog;
}): Agent {
  const { model, state, tools, turnLog } = opts;
  return new Agent({
    name: 'Assistant',
    instructions: instructions(state),
    model,
    tools: [...localTools.map((spec) => tools.localTool(spec, turnLog)), ...tools.remoteTools(turnLog, localToolNames)],
  });
}

/** The names of the tools the model is offered, as the transcript shows them. */
export function offeredToolNames(tools: ToolBridge): string[] {
  return [...localToolNames, ...tools.remoteToolNames()];
}
