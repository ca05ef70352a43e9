/**
 * OpenTelemetry at a process edge, configured only by the standard OTEL_* variables, exported over OTLP/HTTP (JSON).
 *
 * Off unless OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set: then nothing is registered
 * (the global tracer and meter stay the API's no-ops), no Temporal interceptor is added and no workflow interceptor is
 * bundled, so tracing off costs nothing but a few no-op calls. On, it registers a tracer provider (W3C trace context
 * and baggage, AsyncLocalStorage context), the undici instrumentation (provider and MCP HTTP calls), a meter provider
 * when metrics have an endpoint, and hands the process the Temporal interceptors and worker plugin to install.
 * The SDK itself (./sdk.ts, half a second of imports) is loaded only then.
 */
import { createRequire } from 'node:module';
import { ConfigError } from '../config/env';
import type { Telemetry, TelemetrySettings } from './types';

export type { Telemetry, TelemetrySettings } from './types';
export type { WorkflowLinkTarget } from './workflow-links';

/** A bad OTEL_* value: reported in one line at start like any other configuration error. */
export class TelemetryConfigError extends ConfigError {
  constructor(problem: string) {
    super([problem]);
  }
}

const OFF: Telemetry = {
  enabled: false,
  temporalClientInterceptors: () => [],
  temporalWorkerPlugins: [],
  shutdown: async () => undefined,
};

const truthy = (v: string | undefined) => v !== undefined && /^(true|1|yes)$/i.test(v.trim());
const set = (v: string | undefined) => v !== undefined && v.trim() !== '';

function checkUrl(name: string, value: string | undefined): void {
  if (!set(value)) return;
  try {
    const url = new URL(value!);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new TelemetryConfigError(
      `${name} must be an http(s) URL of an OTLP/HTTP receiver, like http://localhost:4318 (got ${JSON.stringify(value)})`,
    );
  }
}

/**
 * The GenAI instrumentations' content switch: `true` as the older ones read it; `SPAN_ONLY`/`SPAN_AND_EVENT` as the
 * newer ones do (we emit no events, so both mean spans). Anything else (`NO_CONTENT`, `EVENT_ONLY`, unset) is off.
 */
const capturesContent = (v: string | undefined) => truthy(v) || /^(span_only|span_and_event)$/i.test(v?.trim() ?? '');

/** What this module reads, checked once at the edge; undefined when tracing is off. */
export function telemetrySettings(env: NodeJS.ProcessEnv = process.env): TelemetrySettings | undefined {
  if (truthy(env.OTEL_SDK_DISABLED)) return undefined;
  if (!set(env.OTEL_EXPORTER_OTLP_ENDPOINT) && !set(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)) return undefined;
  if (env.OTEL_TRACES_EXPORTER?.trim() === 'none') return undefined;
  for (const name of [
    'OTEL_EXPORTER_OTLP_ENDPOINT',
    'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
  ])
    checkUrl(name, env[name]);
  for (const name of [
    'OTEL_EXPORTER_OTLP_PROTOCOL',
    'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
    'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL',
  ]) {
    const protocol = env[name]?.trim();
    if (protocol && protocol !== 'http/json') {
      throw new TelemetryConfigError(
        `${name}=${protocol} is not supported here: this project exports OTLP over HTTP as JSON (http/json), which every OTLP receiver accepts`,
      );
    }
  }
  const interval = env.OTEL_METRIC_EXPORT_INTERVAL?.trim();
  const metricIntervalMs = interval ? Number(interval) : 60_000;
  if (!Number.isInteger(metricIntervalMs) || metricIntervalMs <= 0) {
    throw new TelemetryConfigError(
      `OTEL_METRIC_EXPORT_INTERVAL must be a positive number of milliseconds (got ${JSON.stringify(interval)})`,
    );
  }
  // A traces-only endpoint says nothing about where metrics go: no metrics then, rather than a guess at localhost.
  const metricsOn =
    env.OTEL_METRICS_EXPORTER?.trim() !== 'none' &&
    (set(env.OTEL_EXPORTER_OTLP_ENDPOINT) || set(env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT));
  return {
    metrics: metricsOn,
    metricIntervalMs,
    ...(capturesContent(env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT) ? { captureToolContent: true } : {}),
  };
}

/**
 * Where the Temporal SDK's own runtime metrics (worker slots, poll latencies, task and activity counters from the
 * native core) go: the same OTLP/HTTP metrics endpoint as ours, or undefined when metrics are off. The core exporter
 * takes the full metrics URL and sends protobuf, which every OTLP/HTTP receiver accepts beside JSON.
 */
export function temporalRuntimeMetricsSettings(
  env: NodeJS.ProcessEnv = process.env,
): { url: string; headers: Record<string, string>; intervalMs: number } | undefined {
  const settings = telemetrySettings(env);
  if (!settings?.metrics) return undefined;
  const url = set(env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT)
    ? env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT!.trim()
    : `${env.OTEL_EXPORTER_OTLP_ENDPOINT!.trim().replace(/\/+$/, '')}/v1/metrics`;
  // Loaded here, when metrics are on, rather than by every process that imports this module.
  const { parseKeyPairsIntoRecord } = createRequire(import.meta.url)(
    '@opentelemetry/core',
  ) as typeof import('@opentelemetry/core');
  const headers = {
    ...parseKeyPairsIntoRecord(env.OTEL_EXPORTER_OTLP_HEADERS),
    ...parseKeyPairsIntoRecord(env.OTEL_EXPORTER_OTLP_METRICS_HEADERS),
  };
  return { url, headers, intervalMs: settings.metricIntervalMs };
}

let started: Promise<Telemetry> | undefined;

/**
 * Starts telemetry for this process (once; later calls return the same). `serviceName` is the default
 * `service.name`; OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override it.
 */
export function startTelemetry(serviceName: string, env: NodeJS.ProcessEnv = process.env): Promise<Telemetry> {
  if (started) return started;
  const settings = telemetrySettings(env);
  started = settings ? import('./sdk').then(({ startSdk }) => startSdk(serviceName, settings)) : Promise.resolve(OFF);
  return started;
}
