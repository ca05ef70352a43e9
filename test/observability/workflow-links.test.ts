/**
 * The Web UI link on the Temporal client spans: this process's telemetry as every process starts it (OTLP/HTTP to a
 * local receiver, test/fakes/otlp-collector.ts), a real Temporal client with the interceptors it hands out, calls
 * against the test run's server. No worker runs: starting and signalling a workflow need none. The chain across
 * processes (an MCP server's StartWorkflow, the chat's Update) is checked in ./trace.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import { Client, WorkflowExecutionAlreadyStartedError, type Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelemetry, type Telemetry } from '../../shared/telemetry';
import { connectClient } from '../../shared/temporal/connection';
import { startOtlpCollector, type CollectedSpan, type OtlpCollectorFake } from '../fakes/otlp-collector';
import { waitFor } from '../support/processes';
import { testConfig, uniqueTaskQueue } from '../support/temporal';

const WEB_UI = 'http://127.0.0.1:8233';
const namespace = testConfig().temporal.namespaces.finance;

let collector: OtlpCollectorFake;
let telemetry: Telemetry;
let connection: Connection;
const started: { client: Client; workflowId: string }[] = [];

beforeAll(async () => {
  collector = await startOtlpCollector();
  // The exporter and the batch processor read these from the environment, as in every process.
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = collector.url;
  process.env.OTEL_BSP_SCHEDULE_DELAY = '50';
  telemetry = await startTelemetry('links-test');
  connection = await connectClient(testConfig().temporal);
});

afterAll(async () => {
  for (const { client, workflowId } of started)
    await client.workflow
      .getHandle(workflowId)
      .terminate('test over')
      .catch(() => undefined);
  await connection?.close();
  await telemetry?.shutdown();
  await collector?.close();
});

function clientFor(webUi?: string): Client {
  return new Client({
    connection,
    namespace,
    interceptors: { workflow: telemetry.temporalClientInterceptors({ namespace, webUi }) },
  });
}

/** A workflow that no worker will run: only its start and its signals matter here. */
async function start(client: Client, workflowId = `links-${randomUUID()}`) {
  const handle = await client.workflow.start('linkTarget', { taskQueue: uniqueTaskQueue('links'), workflowId });
  started.push({ client, workflowId });
  return handle;
}

/** The spans of one workflow id, once `count` of them have been exported. */
async function spansOf(workflowId: string, count: number): Promise<CollectedSpan[]> {
  const mine = () => collector.spans.filter((s) => s.attributes.temporalWorkflowId === workflowId);
  await waitFor(`${count} spans of ${workflowId}`, () => mine().length >= count, 30_000);
  return mine();
}

const page = (workflowId: string) =>
  `${WEB_UI}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;

describe('Web UI links on Temporal client spans', () => {
  it('a start carries the run it started, on the SDK span itself and not on the caller span around it', async () => {
    const client = clientFor(WEB_UI);
    const caller = trace.getTracer('links-test');
    const handle = await caller.startActiveSpan('caller', async (span) => {
      try {
        return await start(client);
      } finally {
        span.end();
      }
    });
    const [startSpan] = await spansOf(handle.workflowId, 1);
    expect(startSpan!.name).toBe('StartWorkflow:linkTarget');
    expect(startSpan!.attributes).toMatchObject({
      'temporal.namespace': namespace,
      'temporal.workflow.id': handle.workflowId,
      'temporal.run.id': handle.firstExecutionRunId,
      'temporal.workflow.url': `${page(handle.workflowId)}/${handle.firstExecutionRunId}/history`,
    });
    await waitFor('the caller span', () => collector.spans.some((s) => s.spanId === startSpan!.parentSpanId));
    const parent = collector.spans.find((s) => s.spanId === startSpan!.parentSpanId)!;
    expect(parent.name).toBe('caller');
    expect(Object.keys(parent.attributes).filter((k) => k.startsWith('temporal'))).toEqual([]);
  });

  it('a signal links to the workflow (its latest run), signal-with-start to the run it reached', async () => {
    const client = clientFor(WEB_UI);
    const handle = await start(client);
    await handle.signal('poke');
    const signalSpan = (await spansOf(handle.workflowId, 2)).find((s) => s.name === 'SignalWorkflow:poke')!;
    expect(signalSpan.attributes).toMatchObject({
      'temporal.namespace': namespace,
      'temporal.workflow.id': handle.workflowId,
      'temporal.workflow.url': page(handle.workflowId),
    });
    expect(signalSpan.attributes['temporal.run.id']).toBeUndefined();

    const workflowId = `links-sws-${randomUUID()}`;
    const opened = await client.workflow.signalWithStart('linkTarget', {
      taskQueue: uniqueTaskQueue('links'),
      workflowId,
      signal: 'poke',
    });
    started.push({ client, workflowId });
    const [sws] = await spansOf(workflowId, 1);
    expect(sws!.name).toBe('SignalWithStartWorkflow:linkTarget');
    expect(sws!.attributes).toMatchObject({
      'temporal.run.id': opened.signaledRunId,
      'temporal.workflow.url': `${page(workflowId)}/${opened.signaledRunId}/history`,
    });
  });

  it('a start that fails still leads to the workflow that refused it', async () => {
    const client = clientFor(WEB_UI);
    const first = await start(client);
    await expect(
      client.workflow.start('linkTarget', { taskQueue: uniqueTaskQueue('links'), workflowId: first.workflowId }),
    ).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
    const spans = await spansOf(first.workflowId, 2);
    const refused = spans.find((s) => s.status.code === 2)!;
    expect(refused.attributes).toMatchObject({
      'temporal.workflow.id': first.workflowId,
      'temporal.workflow.url': page(first.workflowId),
    });
    expect(refused.attributes['temporal.run.id']).toBeUndefined();
  });

  it('with no known Web UI (an external server without TEMPORAL_UI_URL), the ids only', async () => {
    const handle = await start(clientFor(undefined));
    const [span] = await spansOf(handle.workflowId, 1);
    expect(span!.attributes).toMatchObject({
      'temporal.namespace': namespace,
      'temporal.workflow.id': handle.workflowId,
      'temporal.run.id': handle.firstExecutionRunId,
    });
    expect(span!.attributes['temporal.workflow.url']).toBeUndefined();
  });
});
