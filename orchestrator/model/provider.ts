/**
 * The worker's model provider: it runs only inside the model activity. A conversation names its model; `offline`
 * is always the offline model (offline-model/, a deterministic stand-in for an LLM), any other name goes to OpenAI or
 * the configured OpenAI-compatible endpoint. The orchestrator reaches the offline model through here only. The API
 * key stays in this process: it never enters a workflow's input, history or logs.
 */
import type { Model, ModelProvider } from '@openai/agents-core';
import { OpenAIProvider } from '@openai/agents-openai';
import { ApplicationFailure } from '@temporalio/common';
import OpenAI from 'openai';
import type { LlmConfig } from '../../shared/config';
import { OfflinePlannerProvider } from '../../offline-model';
import { OFFLINE_MODEL_NAME } from '../shared';

export class ConversationModelProvider implements ModelProvider {
  private readonly offline = new OfflinePlannerProvider();
  private readonly remote?: OpenAIProvider;

  constructor(private readonly llm: LlmConfig) {
    if (llm.kind === 'openai') {
      this.remote = new OpenAIProvider({ apiKey: llm.apiKey, useResponses: llm.api === 'responses' });
    } else if (llm.kind === 'openai-compatible') {
      // Local servers (Ollama, vLLM) often need no key; the client library insists on one, so send a placeholder.
      const client = new OpenAI({ apiKey: llm.apiKey ?? 'not-needed', baseURL: llm.baseUrl, maxRetries: 0 });
      this.remote = new OpenAIProvider({ openAIClient: client, useResponses: llm.api === 'responses' });
    }
  }

  /** The model new conversations ask for. */
  get defaultModel(): string {
    return this.llm.model;
  }

  getModel(modelName?: string): Model | Promise<Model> {
    const name = modelName || this.llm.model;
    if (name === OFFLINE_MODEL_NAME) return this.offline.getModel(name);
    if (!this.remote) {
      throw ApplicationFailure.nonRetryable(
        `This conversation asks for model ${JSON.stringify(name)}, but this worker has no OPENAI_API_KEY or OPENAI_BASE_URL; ` +
          'configure one, or use LLM_MODEL=offline',
        'ModelNotConfigured',
      );
    }
    return this.remote.getModel(name);
  }
}
