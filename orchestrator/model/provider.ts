/**
 * The worker's model provider: it runs only inside the model activity. A conversation names its model; `offline`
 * is always the offline model (offline-model/, a deterministic stand-in for an LLM), any other name is routed by its
 * provider (model-routing.ts: OpenAI, an OpenAI-compatible endpoint, Anthropic, Gemini, Ollama) to one OpenAIProvider
 * per provider over that provider's client (clients.ts). The orchestrator reaches the offline model through here
 * only. The API keys stay in this process: they never enter a workflow's input, history or logs.
 */
import type { Model, ModelProvider } from '@openai/agents-core';
import { OpenAIProvider } from '@openai/agents-openai';
import type { LlmConfig } from '../../shared/config';
import { OfflinePlannerProvider } from '../../offline-model';
import { OFFLINE_MODEL_NAME } from '../contract/conversation';
import { ModelClients } from './clients';
import { ClassifiedModel } from './classified-model';

export class ConversationModelProvider implements ModelProvider {
  private readonly offline = new OfflinePlannerProvider();
  private readonly clients: ModelClients;
  private readonly providers = new Map<string, OpenAIProvider>();

  constructor(
    private readonly llm: LlmConfig,
    opts: { timeoutMs?: number } = {},
  ) {
    this.clients = new ModelClients(llm, opts);
  }

  /** The model new conversations ask for. */
  get defaultModel(): string {
    return this.llm.model;
  }

  async getModel(modelName?: string): Promise<Model> {
    const name = modelName || this.llm.model;
    if (name === OFFLINE_MODEL_NAME) return this.offline.getModel(name);
    const { route, client, callee } = this.clients.resolve(name);
    const key = `${route.provider}:${route.api}`;
    let provider = this.providers.get(key);
    if (!provider) {
      provider = new OpenAIProvider({ openAIClient: client, useResponses: route.api === 'responses' });
      this.providers.set(key, provider);
    }
    return new ClassifiedModel(await provider.getModel(route.model), callee);
  }
}
