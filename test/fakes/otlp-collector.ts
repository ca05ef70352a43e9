/**
 * A local stand-in for an OpenTelemetry collector: OTLP/HTTP with JSON bodies (`POST /v1/traces`, `POST /v1/metrics`),
 * the wire format our exporters send. Spans are decoded into flat records; metrics are kept as the names of the
 * instruments received. Protobuf bodies are refused with 415, as a JSON-only receiver would.
 */
import { sendJson, startHttpFake, type HttpFake } from './http-fake';

type AnyValue = {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: AnyValue[] };
};
type KeyValue = { key: string; value: AnyValue };

export interface CollectedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, unknown>;
  status: { code?: number; message?: string };
}

export interface OtlpCollectorFake extends HttpFake {
  spans: CollectedSpan[];
  /** Names of the metric instruments received, by service. */
  metricNames: Map<string, Set<string>>;
  /** Raw histogram data points received, by metric name (attributes flattened). */
  histogramPoints: Map<string, { attributes: Record<string, unknown>; count: number }[]>;
}

function valueOf(v: AnyValue): unknown {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(valueOf);
  return undefined;
}

function attributesOf(kvs: KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((kvs ?? []).map((kv) => [kv.key, valueOf(kv.value)]));
}

export async function startOtlpCollector(): Promise<OtlpCollectorFake> {
  const spans: CollectedSpan[] = [];
  const metricNames = new Map<string, Set<string>>();
  const histogramPoints = new Map<string, { attributes: Record<string, unknown>; count: number }[]>();
  const fake = (await startHttpFake((req, res, body) => {
    if (req.method !== 'POST' || (req.url !== '/v1/traces' && req.url !== '/v1/metrics'))
      return sendJson(res, 404, { error: 'not found' });
    if (!String(req.headers['content-type']).startsWith('application/json'))
      return sendJson(res, 415, { error: 'this receiver takes OTLP/JSON only' });
    const doc = JSON.parse(body) as Record<string, unknown>;
    if (req.url === '/v1/traces') {
      for (const rs of (doc.resourceSpans ?? []) as {
        resource?: { attributes?: KeyValue[] };
        scopeSpans?: { spans?: Record<string, unknown>[] }[];
      }[]) {
        const service = String(attributesOf(rs.resource?.attributes)['service.name']);
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            spans.push({
              service,
              traceId: String(s.traceId),
              spanId: String(s.spanId),
              ...(s.parentSpanId ? { parentSpanId: String(s.parentSpanId) } : {}),
              name: String(s.name),
              kind: Number(s.kind),
              attributes: attributesOf(s.attributes as KeyValue[]),
              status: (s.status ?? {}) as CollectedSpan['status'],
            });
          }
        }
      }
      return sendJson(res, 200, { partialSuccess: {} });
    }
    for (const rm of (doc.resourceMetrics ?? []) as {
      resource?: { attributes?: KeyValue[] };
      scopeMetrics?: { metrics?: Record<string, unknown>[] }[];
    }[]) {
      const service = String(attributesOf(rm.resource?.attributes)['service.name']);
      const names = metricNames.get(service) ?? new Set<string>();
      metricNames.set(service, names);
      for (const sm of rm.scopeMetrics ?? []) {
        for (const m of sm.metrics ?? []) {
          const name = String(m.name);
          names.add(name);
          const points =
            (m.histogram as { dataPoints?: { attributes?: KeyValue[]; count?: string | number }[] } | undefined)
              ?.dataPoints ?? [];
          const list = histogramPoints.get(name) ?? [];
          histogramPoints.set(name, list);
          for (const p of points) list.push({ attributes: attributesOf(p.attributes), count: Number(p.count ?? 0) });
        }
      }
    }
    return sendJson(res, 200, { partialSuccess: {} });
  })) as OtlpCollectorFake;
  fake.spans = spans;
  fake.metricNames = metricNames;
  fake.histogramPoints = histogramPoints;
  return fake;
}
