/**
 * The Temporal SDK's runtime metrics (from its native core: worker, poller and task metrics) leave a worker over
 * OTLP/HTTP when, and only because, OTEL_EXPORTER_OTLP_ENDPOINT is set. The core exporter sends protobuf, so this
 * receiver decodes OTLP protobuf with protobufjs and the part of the OTLP schema it reads (the JS side's own JSON
 * exports arrive at the same receiver and are acknowledged). The finance worker runs from its entry point.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnEntry, waitFor, type Spawned } from '../support/processes';
import { testConfig, uniqueTaskQueue } from '../support/temporal';

interface DecodedMetrics {
  resourceMetrics?: {
    resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
    scopeMetrics?: { metrics?: { name: string }[] }[];
  }[];
}
/**
 * The fields of opentelemetry/proto/collector/metrics/v1's ExportMetricsServiceRequest this test reads, with their
 * numbers from the .proto files (the OpenTelemetry JS exporters no longer ship a generated schema); protobufjs skips
 * the rest.
 */
const ExportMetricsServiceRequest = protobuf.Root.fromJSON({
  nested: {
    ExportMetricsServiceRequest: { fields: { resourceMetrics: { rule: 'repeated', type: 'ResourceMetrics', id: 1 } } },
    ResourceMetrics: {
      fields: {
        resource: { type: 'Resource', id: 1 },
        scopeMetrics: { rule: 'repeated', type: 'ScopeMetrics', id: 2 },
      },
    },
    Resource: { fields: { attributes: { rule: 'repeated', type: 'KeyValue', id: 1 } } },
    KeyValue: { fields: { key: { type: 'string', id: 1 }, value: { type: 'AnyValue', id: 2 } } },
    AnyValue: { fields: { stringValue: { type: 'string', id: 1 } } },
    ScopeMetrics: { fields: { metrics: { rule: 'repeated', type: 'Metric', id: 2 } } },
    Metric: { fields: { name: { type: 'string', id: 1 } } },
  },
}).lookupType('ExportMetricsServiceRequest');

/** Metric names received in protobuf, and every request's method, path and content type. */
const received = { protobuf: new Set<string>() };
const requests: string[] = [];
let receiver: Server;
let url: string;
let worker: Spawned | undefined;

function namesOf(doc: DecodedMetrics): string[] {
  return (doc.resourceMetrics ?? []).flatMap((rm) =>
    (rm.scopeMetrics ?? []).flatMap((sm) => (sm.metrics ?? []).map((m) => m.name)),
  );
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const type = String(req.headers['content-type']);
      requests.push(`${req.method} ${req.url} ${type}`);
      const body = Buffer.concat(chunks);
      if (req.url === '/v1/metrics' && type.startsWith('application/x-protobuf')) {
        const doc = ExportMetricsServiceRequest.toObject(ExportMetricsServiceRequest.decode(body)) as DecodedMetrics;
        for (const name of namesOf(doc)) received.protobuf.add(name);
      }
      // An empty ExportMetricsServiceResponse is an empty body in both encodings.
      res.writeHead(200, { 'content-type': type }).end(type.startsWith('application/json') ? '{}' : undefined);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await worker?.kill('SIGTERM');
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
});

describe('Temporal SDK runtime metrics', () => {
  it('a worker with an OTLP endpoint exports the core metrics over OTLP/HTTP', { timeout: 240_000 }, async () => {
    worker = spawnEntry('tool-workers/finance/main.ts', {
      TEMPORAL_ADDRESS: testConfig().temporal.address,
      FINANCE_TASK_QUEUE: uniqueTaskQueue('finance-metrics'),
      OTEL_EXPORTER_OTLP_ENDPOINT: url,
      OTEL_METRIC_EXPORT_INTERVAL: '500',
    });
    await waitFor('the finance worker', () => worker!.output().includes('finance worker ready'), 180_000, worker);
    // A polling worker reports its pollers and request latencies from the native core, with the `temporal_` prefix.
    await waitFor(
      'Temporal core metrics over OTLP/HTTP protobuf',
      () => [...received.protobuf].some((n) => /^temporal_.*poll/.test(n)),
      60_000,
      worker,
    );
    expect([...received.protobuf]).toEqual(expect.arrayContaining(['temporal_request', 'temporal_request_latency']));
    // Every export went to the metrics path (none to the bare endpoint the core would otherwise guess).
    for (const r of requests) expect(r).toMatch(/^POST \/v1\/(metrics|traces) /);
  });
});
