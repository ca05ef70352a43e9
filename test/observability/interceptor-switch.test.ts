/**
 * Running workflows across the switch from the OpenTelemetry SDK's workflow interceptors to the lean ones
 * (shared/telemetry/workflow-interceptors.ts), with no patch: a run starts on a worker bundling the SDK's, which
 * exports its first spans and stops; a worker with the current plugin replays the history and finishes the run.
 * No nondeterminism, the workflow's random numbers replay unchanged, and the spans the new worker exports hang off the
 * RunWorkflow span whose id the old worker gave its own children: one trace, no orphans. Real Temporal, real
 * OpenTelemetry SDK processors in this process.
 */
import { fileURLToPath } from 'node:url';
import { context, propagation, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { Client, type Connection } from '@temporalio/client';
import { OpenTelemetryPlugin } from '@temporalio/interceptors-opentelemetry';
import { Worker, type NativeConnection, type WorkerPlugin } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplaySafeOpenTelemetryPlugin } from '../../shared/telemetry/sdk';
import { connectClient, connectWorker } from '../../shared/temporal/connection';
import { waitFor } from '../support/processes';
import { testConfig, uniqueTaskQueue } from '../support/temporal';
import type { SwitchActivities } from './interceptor-switch/workflows';

const { temporal } = testConfig();
const namespace = temporal.namespaces.finance;
const workflowsPath = fileURLToPath(new URL('./interceptor-switch/workflows.ts', import.meta.url));

let clientConnection: Connection;
let workerConnection: NativeConnection;

beforeAll(async () => {
  // The activity interceptors read the parent from the headers with the global propagator and context manager, which
  // a process registers with its provider (its spans go nowhere; each worker's plugin has a processor of its own).
  new NodeTracerProvider().register();
  clientConnection = await connectClient(temporal);
  workerConnection = await connectWorker(temporal);
});

afterAll(async () => {
  for (const api of [trace, context, propagation]) api.disable();
  await clientConnection?.close();
  await workerConnection?.close();
});

/** A tracing setup of its own for one worker: the real SDK's processor into memory. */
function tracing() {
  const exporter = new InMemorySpanExporter();
  const spanProcessor = new SimpleSpanProcessor(exporter);
  const resource = resourceFromAttributes({ 'service.name': 'switch-test' });
  const tracer = new BasicTracerProvider({ resource, spanProcessors: [spanProcessor] }).getTracer('switch-test');
  return { exporter, options: { resource, spanProcessor, tracer } };
}

async function startWorker(taskQueue: string, plugin: WorkerPlugin, drawn: Map<string, number>) {
  const activities: SwitchActivities = {
    record: async (step, value) => void drawn.set(step, value),
  };
  const worker = await Worker.create({
    connection: workerConnection,
    namespace,
    taskQueue,
    workflowsPath,
    activities,
    plugins: [plugin],
  });
  return { worker, running: worker.run() };
}

/**
 * The plugin as the workers installed it before the switch: the SDK's workflow interceptors, from the package of that
 * time (@temporalio/interceptors-opentelemetry, OpenTelemetry JS 1.x, a dev dependency for this test only). It hands
 * its spans to this test's 2.x processor, whose interface it uses the same way (onEnd of a ReadableSpan-like record).
 */
class SdkInterceptorsPlugin extends OpenTelemetryPlugin {
  constructor(options: ReturnType<typeof tracing>['options']) {
    super(options as unknown as ConstructorParameters<typeof OpenTelemetryPlugin>[0]);
    Object.assign(this.options.workerInterceptors ?? {}, {
      workflowModules: [fileURLToPath(new URL('./interceptor-switch/sdk-interceptors.ts', import.meta.url))],
    });
  }
}

const named = (spans: ReadableSpan[], name: string) => spans.filter((s) => s.name === name);
/** A span's parent id: the 1.x plugin's sink rebuilds the old worker's workflow spans with 1.x's `parentSpanId`. */
const parentOf = (span: ReadableSpan) =>
  span.parentSpanContext?.spanId ?? (span as ReadableSpan & { parentSpanId?: string }).parentSpanId;

describe('switching a running workflow to the lean workflow interceptors', () => {
  it('replays without a patch: same random numbers, same span ids, one trace', { timeout: 120_000 }, async () => {
    const taskQueue = uniqueTaskQueue('interceptor-switch');
    const drawn = new Map<string, number>();
    const before = tracing();
    const old = await startWorker(taskQueue, new SdkInterceptorsPlugin(before.options), drawn);

    const client = new Client({ connection: clientConnection, namespace });
    const handle = await client.workflow.start('switchedWorkflow', { taskQueue, workflowId: taskQueue });
    try {
      await waitFor('the first activity', () => drawn.has('before'), 30_000);
      await waitFor(
        'its span',
        () => named(before.exporter.getFinishedSpans(), 'RunActivity:record').length === 1,
        10_000,
      );
      old.worker.shutdown();
      await old.running;

      const after = tracing();
      const current = await startWorker(taskQueue, new ReplaySafeOpenTelemetryPlugin(after.options), drawn);
      try {
        await handle.signal('proceed');
        await handle.result();
      } finally {
        current.worker.shutdown();
        await current.running;
      }

      // The new worker replayed the first task and drew what the old one drew.
      expect(drawn.get('after')).toBe(drawn.get('before'));

      const first = before.exporter.getFinishedSpans();
      const second = after.exporter.getFinishedSpans();
      // Each span exported once, by one worker or the other: the first StartActivity ends when its result reaches
      // the workflow, which is the old worker's task or, if it stopped first, the new worker's (not a replay then).
      // The RunWorkflow span, ending last, comes from the new worker.
      expect(named(first, 'RunWorkflow:switchedWorkflow')).toHaveLength(0);
      const run = named(second, 'RunWorkflow:switchedWorkflow');
      expect(run).toHaveLength(1);
      const runSpan = run[0]!;
      expect(parentOf(runSpan)).toBeUndefined();
      const { traceId, spanId } = runSpan.spanContext();
      // The old worker's activity span hangs off the span id the new worker gave RunWorkflow on replay.
      const starts = [...named(first, 'StartActivity:record'), ...named(second, 'StartActivity:record')];
      expect(starts).toHaveLength(2);
      expect(new Set(starts.map((s) => s.spanContext().spanId)).size).toBe(2);
      for (const start of starts) {
        expect(start.spanContext().traceId).toBe(traceId);
        expect(parentOf(start)).toBe(spanId);
      }
      const runs = [...named(first, 'RunActivity:record'), ...named(second, 'RunActivity:record')];
      expect(runs.map(parentOf).sort()).toEqual(starts.map((s) => s.spanContext().spanId).sort());
      expect(runSpan.status.code).toBe(1);
    } finally {
      await handle.terminate('test over').catch(() => undefined);
    }
  });
});
