/**
 * A provider's model as the Agents SDK loop's model activity calls it, with failures a user will meet made plain.
 * The Temporal plugin classifies the `openai` client's APIError itself (429 and 5xx, Anthropic's 529 among them,
 * retried after the provider's `retry-after`; 401/403/404/400 not retried), so the error stays an APIError and only
 * its message changes: one line naming the provider, the model or the key variable. Its cause is the classified
 * failure (`ModelContextTooLong`, `ModelAuthRejected`, … as the manual loop's planner reports them), which the
 * workflow reads: a context too long is trimmed by the conversation's context policy (turn.ts), not here.
 *
 * The plugin is CommonJS and checks `instanceof` its own `openai` (the CommonJS build); this project loads the ES
 * module build, whose APIError is another class, so the plugin would wrap every HTTP error as retryable. The error
 * is rebuilt with the plugin's class (`APIError.generate`, same status, body and headers).
 */
import type { Model, ModelRequest, ModelResponse, StreamEvent } from '@openai/agents-core';
import { ApplicationFailure } from '@temporalio/common';
import { createRequire } from 'node:module';
import { APIError } from 'openai';
import { classifyModelError, type ModelCallee } from '../../shared/providers';

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
      throw this.explained(err);
    }
  }

  getStreamedResponse(request: ModelRequest): AsyncIterable<StreamEvent> {
    return this.inner.getStreamedResponse(request);
  }

  /**
   * An HTTP error as the plugin's APIError with a one-line message and the classified failure as its cause (the
   * plugin's `ModelInvocationError.*` wraps it; Temporal carries the cause chain to the workflow); a connection
   * error as is (retried).
   */
  private explained(err: unknown): unknown {
    if (!isApiError(err) || err.status === undefined) return err;
    const failure = classifyModelError(err, this.callee);
    const rebuilt = PluginAPIError.generate(err.status, err.error as object | undefined, failure.message, err.headers);
    rebuilt.message = failure.message;
    rebuilt.cause = ApplicationFailure.create({
      message: failure.message,
      type: failure.type,
      nonRetryable: !failure.retryable,
    });
    return rebuilt;
  }
}
