/**
 * Issue 32.4: "No traceId found. Make sure to start a trace with withTrace() first", ten a chat turn with agent tracing
 * on. The Temporal plugin (CommonJS) restores a trace from an activity's or Nexus operation's headers as a CommonJS
 * `Trace` and asks the one global trace provider for a span under it; a provider made by the ESM build (this
 * project's imports, loaded first) did not take that for a parent. Once the plugin is built, the provider does.
 */
import { createRequire } from 'node:module';
import { getGlobalTraceProvider, setTracingDisabled } from '@openai/agents-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../shared/config';
import { createAgentsPlugin } from '../../orchestrator/plugin';

const agentsCoreCjs = createRequire(import.meta.url)('@openai/agents-core') as typeof import('@openai/agents-core');
const TRACE_ID = 'trace_0123456789abcdef0123456789abcdef';

afterEach(() => vi.restoreAllMocks());

describe('the Agents SDK trace provider', () => {
  it("takes the Temporal plugin's CommonJS trace as a parent, silently", () => {
    // This file's ESM import asks first, as the orchestrator's modules do.
    expect(getGlobalTraceProvider()).not.toBeInstanceOf(agentsCoreCjs.TraceProvider);
    const listening = () => ['SIGINT', 'SIGTERM'].map((signal) => process.listenerCount(signal));
    const before = listening();
    createAgentsPlugin(parseConfig({}).orchestrator);
    // A provider exits on SIGTERM only when it is the one listener: a second provider's would keep a chat alive.
    expect(listening()).toEqual(before);
    setTracingDisabled(false); // off by itself under NODE_ENV=test; on in a worker that exports agent traces
    const errors = vi.spyOn(console, 'error');

    const restored = new agentsCoreCjs.Trace({ traceId: TRACE_ID, name: 'conversation' });
    const span = getGlobalTraceProvider().createSpan(
      { spanId: 'span_0123456789abcdef01234567', data: { type: 'custom', name: '', data: {} } },
      restored,
    );

    expect(span.traceId).toBe(TRACE_ID);
    expect(errors).not.toHaveBeenCalled();
  });
});
