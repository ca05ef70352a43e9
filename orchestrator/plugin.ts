/**
 * The OpenAI Agents plugin, built one way for the worker, the chat client and the bundler: model calls become
 * activities with these timeouts and retries, and the client passes the same settings to every conversation it starts.
 */
import { setTraceProcessors, type ModelProvider } from '@openai/agents-core';
import { OpenAIAgentsPlugin } from '@temporalio/openai-agents';
import type { OrchestratorConfig } from '../shared/config';
import { ConversationModelProvider } from './model/provider';

/**
 * The Agents SDK's default trace processor prints every agent span with console.log: model inputs and tool outputs
 * (IT session handles among them) on the worker's stdout, ten lines a turn. The Temporal plugin registers its own
 * processors in its constructor, so the default ones are dropped once, before the first plugin is built.
 */
let defaultTraceProcessorsDropped = false;

export function createAgentsPlugin(
  config: Pick<OrchestratorConfig, 'llm' | 'modelTimeoutMs'>,
  modelProvider?: ModelProvider,
): OpenAIAgentsPlugin {
  if (!defaultTraceProcessorsDropped) {
    setTraceProcessors([]);
    defaultTraceProcessorsDropped = true;
  }
  return new OpenAIAgentsPlugin({
    modelProvider: modelProvider ?? new ConversationModelProvider(config.llm),
    modelParams: {
      startToCloseTimeout: config.modelTimeoutMs,
      retry: { maximumAttempts: 3, initialInterval: '1 second', backoffCoefficient: 2 },
      summary: 'model call',
    },
  });
}
