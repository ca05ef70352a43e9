/**
 * What outside-service providers (quotes, Jira) throw, and how an activity turns it into a Temporal failure:
 * a refusal is not worth a retry; a timeout or an outage is, within the workflow's retry policy.
 */
import { ApplicationFailure } from '@temporalio/common';

/**
 * Failure types of a model call (`ApplicationFailure.type`): thrown in the worker, read by the workflow (its activity
 * options, `failureType()`). This module has no Node APIs, so both sides import them from here.
 */
export const ModelFailureType = {
  authRejected: 'ModelAuthRejected',
  notFound: 'ModelNotFound',
  rateLimited: 'ModelRateLimited',
  overloaded: 'ModelOverloaded',
  contextTooLong: 'ModelContextTooLong',
  unavailable: 'ModelUnavailable',
  requestRejected: 'ModelRequestRejected',
  /** The worker has no endpoint or key for the conversation's model. */
  notConfigured: 'ModelNotConfigured',
  /** The manual loop's planner got a decision it cannot act on. */
  outputInvalid: 'ModelOutputInvalid',
} as const;
export type ModelFailureType = (typeof ModelFailureType)[keyof typeof ModelFailureType];

export type ProviderFailureKind = 'timeout' | 'unavailable' | 'rejected';

export class ProviderError extends Error {
  constructor(
    message: string,
    readonly kind: ProviderFailureKind = 'unavailable',
  ) {
    super(message);
  }
}

const suffix: Record<ProviderFailureKind, string> = {
  timeout: 'Timeout',
  unavailable: 'Unavailable',
  rejected: 'Rejected',
};

/** `QuoteProviderTimeout` (retryable), `JiraRejected` (not), ... */
export function providerFailure(err: ProviderError, typePrefix: string): ApplicationFailure {
  const type = typePrefix + suffix[err.kind];
  return err.kind === 'rejected'
    ? ApplicationFailure.nonRetryable(err.message, type)
    : ApplicationFailure.retryable(err.message, type);
}

/** How a model endpoint's HTTP error is handled, in both agent loops. */
export interface ModelFailure {
  type: ModelFailureType;
  retryable: boolean;
  /** One line for the chat: the provider, the status, what to do. */
  message: string;
  /** The provider's hint (`retry-after-ms`, `retry-after` in seconds or as a date), for the next retry's delay. */
  retryAfterMs?: number;
}

/** What identifies the failing call in messages. */
export interface ModelCallee {
  /** The provider's name, e.g. "Anthropic". */
  label: string;
  model: string;
  /** The variable that holds the key, e.g. ANTHROPIC_API_KEY. */
  keyVariable: string;
}

/**
 * The usual ways providers say a prompt does not fit: OpenAI "maximum context length … context_length_exceeded",
 * Anthropic "prompt is too long: N tokens > M maximum", Gemini "input token count (N) exceeds the maximum number of
 * tokens allowed", vLLM/LiteLLM "… context window …", Ollama (llama.cpp's server) "request (N tokens) exceeds the
 * available context size (M tokens)".
 */
const CONTEXT_TOO_LONG =
  /context[_ ]length|context window|context size|maximum context|prompt is too long|too many (input )?tokens|input token count.*exceeds|exceeds the maximum number of tokens|input is too long|request too large/i;

export function isContextTooLong(status: number | undefined, message: string): boolean {
  return (status === 400 || status === 413 || status === 422) && CONTEXT_TOO_LONG.test(message);
}

export function retryAfterMs(
  headers: { get(name: string): string | null } | undefined,
  now = Date.now(),
): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function classifyModelError(
  err: { status?: number; message: string; headers?: { get(name: string): string | null } },
  who: ModelCallee,
): ModelFailure {
  const { status } = err;
  // The `openai` client's messages start with the status, which each line below already gives.
  const said = err.message
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\d{3} /, '')
    .slice(0, 300);
  const fail = (type: ModelFailureType, retryable: boolean, message: string, retryAfter?: number): ModelFailure => ({
    type,
    retryable,
    message,
    ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
  });
  // Gemini answers a bad key 400 "API key not valid" (INVALID_ARGUMENT), not 401.
  if (status === 401 || status === 403 || (status === 400 && /api key not valid|invalid api key/i.test(err.message)))
    return fail(
      ModelFailureType.authRejected,
      false,
      `${who.label} rejected the API key (${status}: ${said}); check ${who.keyVariable}`,
    );
  if (status === 404)
    return fail(
      ModelFailureType.notFound,
      false,
      `${who.label} does not serve model ${JSON.stringify(who.model)} (404): check the model name (${said})`,
    );
  if (status === 429) {
    const after = retryAfterMs(err.headers);
    return fail(ModelFailureType.rateLimited, true, `${who.label} rate limit (429) for ${who.model}: ${said}`, after);
  }
  if (status === 529 || status === 503)
    return fail(
      ModelFailureType.overloaded,
      true,
      `${who.label} is overloaded (${status}): ${said}`,
      retryAfterMs(err.headers),
    );
  if (isContextTooLong(status, err.message))
    return fail(
      ModelFailureType.contextTooLong,
      false,
      `the conversation is too long for ${who.model} (${status}): ${said}`,
    );
  if (status === undefined || status === 408 || status === 409 || status >= 500)
    return fail(ModelFailureType.unavailable, true, `${who.label} answered ${status ?? 'an error'}: ${said}`);
  return fail(ModelFailureType.requestRejected, false, `${who.label} rejected the request (${status}): ${said}`);
}
