/**
 * One `openai` client per configured provider, built on first use: Anthropic, Gemini and Ollama through their own
 * documented OpenAI-compatible endpoints, OpenAI (or OPENAI_BASE_URL) as before. Both agent loops route a
 * conversation's recorded model name through here. Keys stay in this process.
 */
import { ApplicationFailure } from '@temporalio/common';
import OpenAI from 'openai';
import {
  KEY_VARIABLES,
  llmEndpoints,
  ModelRouteError,
  PROVIDER_LABELS,
  routeModel,
  type LlmConfig,
  type ModelEndpoints,
  type ModelProviderId,
  type ModelRoute,
} from '../../shared/config';
import { ModelFailureType, type ModelCallee } from '../../shared/providers';

export interface RoutedClient {
  route: ModelRoute;
  client: OpenAI;
  /** For failure messages: the provider's label, the model as asked, the key variable. */
  callee: ModelCallee;
}

export class ModelClients {
  private readonly endpoints: ModelEndpoints;
  private readonly clients = new Map<ModelProviderId, OpenAI>();

  constructor(
    llm: LlmConfig,
    private readonly opts: { timeoutMs?: number } = {},
  ) {
    this.endpoints = llmEndpoints(llm);
  }

  /** The client for `model`, or a non-retryable `ModelNotConfigured` naming the variable this worker lacks. */
  resolve(model: string): RoutedClient {
    let route: ModelRoute;
    try {
      route = routeModel(model, this.endpoints);
    } catch (err) {
      if (!(err instanceof ModelRouteError)) throw err;
      throw ApplicationFailure.nonRetryable(
        `This conversation asks for model ${model}, but this worker cannot serve it: ${err.message}`,
        ModelFailureType.notConfigured,
      );
    }
    let client = this.clients.get(route.provider);
    if (!client) {
      client = new OpenAI({
        // Ollama and local servers need no key; the client library insists on one, so send a placeholder.
        apiKey: route.apiKey ?? (route.provider === 'ollama' ? 'ollama' : 'not-needed'),
        ...(route.baseUrl ? { baseURL: route.baseUrl } : {}),
        // Retries are the activity's (bounded, visible in the history, honouring retry-after), not the library's.
        maxRetries: 0,
        ...(this.opts.timeoutMs ? { timeout: this.opts.timeoutMs } : {}),
      });
      this.clients.set(route.provider, client);
    }
    return {
      route,
      client,
      callee: {
        label:
          route.provider === 'openai-compatible'
            ? `the model endpoint ${route.baseUrl}`
            : PROVIDER_LABELS[route.provider],
        model: route.model,
        keyVariable: route.provider.startsWith('openai') ? 'OPENAI_API_KEY' : KEY_VARIABLES[route.provider],
      },
    };
  }
}
