/**
 * The OpenAI Agents plugin, built one way for the worker, the chat client and the bundler: model calls become
 * activities with these timeouts and retries, and the client passes the same settings to every conversation it starts.
 */
import type { ModelProvider } from '@openai/agents-core';
import { OpenAIAgentsPlugin } from '@temporalio/openai-agents';
import type { OrchestratorConfig } from '../shared/config';
import { ConversationModelProvider } from './model/provider';

export function createAgentsPlugin(
  config: Pick<OrchestratorConfig, 'llm' | 'modelTimeoutMs'>,
  modelProvider?: ModelProvider,
): OpenAIAgentsPlugin {
  return new OpenAIAgentsPlugin({
    modelProvider: modelProvider ?? new ConversationModelProvider(config.llm),
    modelParams: {
      startToCloseTimeout: config.modelTimeoutMs,
      retry: { maximumAttempts: 3, initialInterval: '1 second', backoffCoefficient: 2 },
      summary: 'model call',
    },
  });
}
