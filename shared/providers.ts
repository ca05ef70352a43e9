/**
 * What outside-service providers (quotes, Jira) throw, and how an activity turns it into a Temporal failure:
 * a refusal is not worth a retry; a timeout or an outage is, within the workflow's retry policy.
 */
import { ApplicationFailure } from '@temporalio/common';

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
