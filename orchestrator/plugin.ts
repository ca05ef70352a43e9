/**
 * The OpenAI Agents plugin, built one way for the worker, the chat client and the bundler: model calls become
 * activities with these timeouts and retries, and the client passes the same settings to every conversation it starts.
 */
import { createRequire } from 'node:module';
import { setTraceProcessors, type ModelProvider } from '@openai/agents-core';
import { OpenAIAgentsPlugin } from '@temporalio/openai-agents';
import type { OrchestratorConfig } from '../shared/config';
import { ConversationModelProvider } from './model/provider';

/**
 * The Temporal plugin is CommonJS, so it loads the Agents SDK's CommonJS build; this project's imports load its ESM
 * build. Both keep one trace provider on globalThis, made by whichever build is asked first, and that provider knows
 * only its own build's Trace class. An ESM-made provider takes the plugin's CommonJS trace (restored from an
 * activity's or Nexus operation's headers) for no parent and prints "No traceId found. Make sure to start a trace
 * with withTrace() first" for each such span, about ten a turn when agent tracing is on. So the provider is the
 * CommonJS build's.
 */
const agentsCoreCjs = createRequire(import.meta.url)('@openai/agents-core') as typeof import('@openai/agents-core');
/** Where both builds keep the provider (agents-core dist/tracing/provider: getGlobalTraceProvider). */
const TRACE_PROVIDER_KEY = Symbol.for('openai.agents.core.traceProvider');

/** The process events a TraceProvider's constructor listens to (to flush before the process ends). */
const PROVIDER_EVENTS = ['beforeExit', 'SIGINT', 'SIGTERM', 'unhandledRejection'] as const;

function useCommonJsTraceProvider(): void {
  const global = globalThis as Record<symbol, unknown>;
  if (global[TRACE_PROVIDER_KEY] instanceof agentsCoreCjs.TraceProvider) return;
  // A provider ends the process on SIGINT/SIGTERM only when no other listener is there. The first provider's
  // listeners stay; a second set would make each wait for the other, and SIGTERM would no longer end a chat.
  const events = process as unknown as NodeJS.EventEmitter;
  const before = new Map(PROVIDER_EVENTS.map((event) => [event, new Set(events.listeners(event))]));
  global[TRACE_PROVIDER_KEY] = new agentsCoreCjs.TraceProvider();
  for (const event of PROVIDER_EVENTS)
    for (const listener of events.listeners(event))
      if (!before.get(event)!.has(listener)) events.removeListener(event, listener as (...args: unknown[]) => void);
}

/**
 * The Agents SDK's default trace processor prints every agent span with console.log: model inputs and tool outputs
 * (IT session handles among them) on the worker's stdout, ten lines a turn. The Temporal plugin registers its own
 * processors in its constructor, so the default ones are dropped once, before the first plugin is built (and the
 * provider replaced, if it must be, before that: a provider replaced later would lose the plugin's processors).
 */
let defaultTraceProcessorsDropped = false;

export function createAgentsPlugin(
  config: Pick<OrchestratorConfig, 'llm' | 'modelTimeoutMs'>,
  modelProvider?: ModelProvider,
): OpenAIAgentsPlugin {
  if (!defaultTraceProcessorsDropped) {
    useCommonJsTraceProvider();
    setTraceProcessors([]);
    defaultTraceProcessorsDropped = true;
  }
  return new OpenAIAgentsPlugin({
    modelProvider: modelProvider ?? new ConversationModelProvider(config.llm),
    modelParams: {
      startToCloseTimeout: config.modelTimeoutMs,
      retry: { maximumAttempts: 3, initialInterval: '1 second', backoffCoefficient: 2 },
      summary: 'model call',
    },
  });
}
