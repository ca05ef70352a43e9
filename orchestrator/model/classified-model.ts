/**
 * A provider's model as the Agents SDK loop's model activity calls it, with failures a user will meet made plain.
 * The Temporal plugin classifies the `openai` client's APIError itself (429 and 5xx, Anthropic's 529 among them,
 * retried after the provider's `retry-after`; 401/403/404/400 not retried), so the error stays an APIError and only
 * its message changes: one line naming the provider, the model or the key variable. A context the provider finds
 * too long is trimmed here, oldest turns first, and asked once more.
 *
 * The plugin is CommonJS and checks `instanceof` its own `openai` (the CommonJS build); this project loads the ES
 * module build, whose APIError is another class, so the plugin would wrap every HTTP error as retryable. The error
 * is rebuilt with the plugin's class (`APIError.generate`, same status, body and headers).
 */
import type { Model, ModelRequest, ModelResponse, StreamEvent } from '@openai/agents-core';
import { createRequire } from 'node:module';
import { APIError } from 'openai';
import { classifyModelError, ModelFailureType, type ModelCallee } from '../../shared/providers';
import { estimateTokens, splitTurns } from '../context-window';

const pluginRequire = createRequire(createRequire(import.meta.url).resolve('@temporalio/openai-agents'));
const PluginAPIError = (pluginRequire('openai') as typeof import('openai')).APIError;

function isApiError(err: unknown): err is APIError {
  return err instanceof APIError || err instanceof PluginAPIError;
}

export class ClassifiedModel implements Model {
  constructor(
    private readonly inner: Model,
    private readonly callee: ModelCallee,
  ) {}

  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    try {
      return await this.inner.getResponse(request);
    } catch (err) {
      const trimmed = this.trimmedOnContextError(err, request);
      if (!trimmed) throw this.explained(err);
      try {
        return await this.inner.getResponse(trimmed);
      } catch (again) {
        throw this.explained(again);
      }
    }
  }

  getStreamedResponse(request: ModelRequest): AsyncIterable<StreamEvent> {
    return this.inner.getStreamedResponse(request);
  }

  /** The request with the older half of its turns dropped, if `err` says the context is too long and any can go. */
  private trimmedOnContextError(err: unknown, request: ModelRequest): ModelRequest | undefined {
    if (!isApiError(err) || classifyModelError(err, this.callee).type !== ModelFailureType.contextTooLong) return;
    if (typeof request.input === 'string') return;
    const turns = splitTurns(request.input);
    if (turns.length < 2) return;
    const budget = estimateTokens(request.input) / 2;
    let tokens = estimateTokens(request.input);
    while (turns.length > 1 && tokens > budget) tokens -= estimateTokens(turns.shift()!);
    return { ...request, input: turns.flat() };
  }

  /** An HTTP error as the plugin's APIError with a one-line message; a connection error as is (retried). */
  private explained(err: unknown): unknown {
    if (!isApiError(err) || err.status === undefined) return err;
    const { message } = classifyModelError(err, this.callee);
    const rebuilt = PluginAPIError.generate(err.status, err.error as object | undefined, message, err.headers);
    rebuilt.message = message;
    return rebuilt;
  }
}
