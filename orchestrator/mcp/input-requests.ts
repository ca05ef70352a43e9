/**
 * What the orchestrator makes of a server's `input_required` result (MCP 2026-07-28): the question it puts to the
 * chat's user, and the answers it sends back once that person has said yes or no. The chat asks yes/no only, so a
 * form is answered from that: accepted, a boolean field is true and a text field carries the person's reason (an
 * approval form, ours or another server's, asks just that); declined, nothing is filled in. A request the chat cannot
 * put to a person (sampling, roots, a URL to open) is declined. Pure functions, no Node APIs.
 */

import type { InputRequestMap } from '../contract/activities';

interface FormParams {
  mode?: unknown;
  message?: unknown;
  requestedSchema?: { properties?: Record<string, { type?: unknown }> };
}

const elicitation = (request: { method?: unknown; params?: unknown }): FormParams | undefined =>
  request.method === 'elicitation/create' && request.params && typeof request.params === 'object'
    ? (request.params as FormParams)
    : undefined;

/** A form this client can fill from a yes or no (not a URL-mode elicitation, nor sampling or roots). */
function answerable(request: { method?: unknown; params?: unknown }): FormParams | undefined {
  const form = elicitation(request);
  return form && (form.mode === undefined || form.mode === 'form') ? form : undefined;
}

/** Whether a person's yes or no answers every request (else the client declines what it cannot show). */
export function allAnswerable(requests: InputRequestMap): boolean {
  return Object.values(requests).every((r) => answerable(r) !== undefined);
}

/** The question for the chat: the servers' messages, one line each. */
export function questionOf(requests: InputRequestMap): string {
  const lines = Object.values(requests).map((r) => {
    const form = answerable(r);
    if (form) return typeof form.message === 'string' ? form.message.slice(0, 500) : 'The server asks to go on.';
    return `The server asked for ${String(r.method)}, which this client cannot put to a person.`;
  });
  return lines.join(' ') || 'The server asks to go on.';
}

/** The `inputResponses` that carry a person's answer. */
export function inputResponsesFor(
  requests: InputRequestMap,
  answer: { approved: boolean; reason?: string },
): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [key, request] of Object.entries(requests)) {
    const form = answerable(request);
    if (!form || !answer.approved) {
      responses[key] = { action: 'decline' };
      continue;
    }
    const content: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(form.requestedSchema?.properties ?? {})) {
      if (field?.type === 'boolean') content[name] = true;
      else if (field?.type === 'string' && answer.reason) content[name] = answer.reason.slice(0, 500);
    }
    responses[key] = { action: 'accept', content };
  }
  return responses;
}
