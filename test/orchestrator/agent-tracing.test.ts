/**
 * The Agents SDK's own tracing (`agent-tracing-only-when-exported`): off by default, on with `agentTracing`. Two
 * conversations make the same turn through real Temporal, the orchestrator worker and the Finance MCP server, with a
 * scripted model (a scheduled model activity, so its request is the activity's input): the same answer and the same
 * history either way, but only the traced one sends agent spans through the plugin's sink to the worker's Agents SDK
 * trace processors, and the model is told `tracing: false` when off.
 */
import {
  addTraceProcessor,
  setTracingDisabled,
  type Span,
  type Trace,
  type TracingProcessor,
} from '@openai/agents-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_TRACING_PATCH } from '../../orchestrator/patches';
import type { ConversationHandle, Conversations } from '../../orchestrator/conversations';
import { callTool, say, ScriptedModelProvider } from '../fakes/scripted-model';
import { startOrchestratorStack, type OrchestratorStack } from '../support/orchestrator-stack';
import { waitFor } from '../support/processes';

let stack: OrchestratorStack;
const provider = new ScriptedModelProvider();
const model = provider.model;

/** What reaches the worker's Agents SDK processors (the plugin's sink hands them every span the workflow makes). */
const received = { traces: [] as string[], spans: [] as string[] };
const collector: TracingProcessor = {
  async onTraceStart(trace: Trace) {
    received.traces.push(trace.traceId);
  },
  async onTraceEnd() {},
  async onSpanStart() {},
  async onSpanEnd(span: Span<never>) {
    received.spans.push((span.spanData as { type: string }).type);
  },
  async shutdown() {},
  async forceFlush() {},
};

beforeAll(async () => {
  stack = await startOrchestratorStack({ modelProvider: provider, input: { model: 'scripted-model' } });
  // After the stack: building the plugin drops the SDK's default processors (orchestrator/plugin.ts).
  addTraceProcessor(collector);
  // The SDK turns its tracing off by itself under NODE_ENV=test; a worker that exports agent traces has it on.
  setTracingDisabled(false);
});
afterAll(() => stack?.close());

async function oneTurn(conversations: Conversations): Promise<{ handle: ConversationHandle; reply: string }> {
  const handle = await conversations.start();
  model.push(callTool('stock_price', { symbol: 'AAPL' }), say('AAPL trades at the price above.'));
  const reply = await conversations.send(handle, 'What does AAPL trade at?');
  expect(reply.toolCalls).toEqual([expect.objectContaining({ tool: 'stock_price', ok: true })]);
  return { handle, reply: reply.reply };
}

type Events = NonNullable<Awaited<ReturnType<ConversationHandle['fetchHistory']>>['events']>;

const patchMarkers = (events: Events) =>
  events.filter(
    (e) =>
      e.markerRecordedEventAttributes?.markerName === 'core_patch' &&
      Buffer.from(e.markerRecordedEventAttributes.details?.['patch-data']?.payloads?.[0]?.data ?? []).includes(
        AGENT_TRACING_PATCH,
      ),
  );

/**
 * What the workflow code decided, from its history: activities scheduled (by type), markers, timers, Updates and the
 * like, sorted (tool discovery runs side by side), without workflow task and activity progress events (when the
 * Update arrives, and how fast each activity ends, are timing), this patch's marker and the search attribute upserts
 * (a new patch marker comes with one, naming the patch in TemporalChangeVersion).
 */
const TIMING = new Set([5, 6, 7, 11, 12]);
const shape = (events: Events) =>
  events
    .filter((e) => !TIMING.has(Number(e.eventType)) && !e.upsertWorkflowSearchAttributesEventAttributes)
    .filter((e) => !patchMarkers([e]).length)
    .map(
      (e) =>
        `${e.eventType}:${e.markerRecordedEventAttributes?.markerName ?? e.activityTaskScheduledEventAttributes?.activityType?.name ?? ''}`,
    )
    .sort();

describe('Agents SDK tracing', () => {
  it('is off by default and on with agentTracing, with the same answer and history', async () => {
    const untraced = await oneTurn(stack.conversations);
    const untracedRequests = model.requests.splice(0);
    expect(untracedRequests.map((r) => r.tracing)).toEqual([false, false]);

    const traced = await oneTurn(stack.conversationsWith({ agentTracing: true }));
    const tracedRequests = model.requests.splice(0);
    expect(tracedRequests.map((r) => r.tracing)).toEqual([true, true]);

    expect(traced.reply).toBe(untraced.reply);
    const eventsOf = async ({ handle }: { handle: ConversationHandle }) => (await handle.fetchHistory()).events ?? [];
    const untracedEvents = await eventsOf(untraced);
    const tracedEvents = await eventsOf(traced);
    expect(patchMarkers(untracedEvents)).toHaveLength(1);
    expect(patchMarkers(tracedEvents)).toHaveLength(0);
    expect(shape(untracedEvents)).toEqual(shape(tracedEvents));

    // The traced turn's spans arrive; the untraced one, whose turn ended first, sent none: one trace in all.
    await waitFor('the traced turn’s spans', () => received.spans.includes('function'), 30_000);
    expect(received.traces).toHaveLength(1);
    expect(received.spans).toEqual(expect.arrayContaining(['agent', 'generation', 'function']));

    await Promise.all([
      stack.conversations.end(untraced.handle, 'test done'),
      stack.conversations.end(traced.handle, 'test done'),
    ]);
  });
});
