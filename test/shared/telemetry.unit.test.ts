/**
 * Tracing is configured by the standard OTEL_* variables only, and is off unless an OTLP endpoint is set: then
 * nothing is registered (the API's no-op tracer provider stays global) and no Temporal interceptor is handed out.
 */
import { context, propagation, trace, INVALID_SPAN_CONTEXT, ProxyTracerProvider } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import {
  startTelemetry,
  telemetrySettings,
  temporalRuntimeMetricsSettings,
  TelemetryConfigError,
} from '../../shared/telemetry';
import { ConfigError } from '../../shared/config';

describe('telemetry at a process edge', () => {
  it('with no OTEL endpoint set, registers nothing: the global tracer provider is the no-op one', async () => {
    const telemetry = await startTelemetry('unit', {});
    expect(telemetry.enabled).toBe(false);
    expect(telemetry.temporalClientInterceptors({ namespace: 'default', webUi: 'http://127.0.0.1:8233' })).toEqual([]);
    expect(telemetry.temporalWorkerPlugins).toEqual([]);

    const global = trace.getTracerProvider();
    expect(global).toBeInstanceOf(ProxyTracerProvider);
    expect((global as ProxyTracerProvider).getDelegate().constructor.name).toBe('NoopTracerProvider');
    const span = trace.getTracer('unit').startSpan('anything');
    expect(span.isRecording()).toBe(false);
    expect(span.spanContext()).toEqual(INVALID_SPAN_CONTEXT);
    span.end();
    // No propagator either: nothing is written into an outgoing request's _meta.
    const carrier: Record<string, string> = {};
    propagation.inject(context.active(), carrier);
    expect(carrier).toEqual({});
    await telemetry.shutdown();
  });

  it('is off when OTEL_SDK_DISABLED or OTEL_TRACES_EXPORTER=none say so, even with an endpoint', () => {
    expect(
      telemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' }),
    ).toBeUndefined();
    expect(
      telemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_EXPORTER: 'none' }),
    ).toBeUndefined();
  });

  it('metrics go only where an endpoint for them is set', () => {
    expect(telemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toEqual({
      metrics: true,
      metricIntervalMs: 60_000,
    });
    expect(telemetrySettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' })).toEqual({
      metrics: false,
      metricIntervalMs: 60_000,
    });
    expect(
      telemetrySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_METRICS_EXPORTER: 'none' })
        ?.metrics,
    ).toBe(false);
  });

  it('a bad setting is a configuration error naming the variable', () => {
    const bad = (env: Record<string, string>) => () => telemetrySettings(env);
    expect(bad({ OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT must be an http\(s\) URL/,
    );
    expect(bad({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(
      /OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported/,
    );
    expect(bad({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_METRIC_EXPORT_INTERVAL: 'soon' })).toThrow(
      /OTEL_METRIC_EXPORT_INTERVAL/,
    );
    // Printed in one line at start, like every configuration error (shared/main.ts).
    expect(bad({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'nope' })).toThrow(TelemetryConfigError);
    expect(bad({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'nope' })).toThrow(ConfigError);
  });

  it("the Temporal SDK's runtime metrics go to the same metrics endpoint, with the same headers and interval", () => {
    expect(temporalRuntimeMetricsSettings({})).toBeUndefined();
    expect(
      temporalRuntimeMetricsSettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' }),
    ).toBeUndefined();
    expect(
      temporalRuntimeMetricsSettings({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example.com:4318/',
        OTEL_EXPORTER_OTLP_HEADERS: 'x-team=agents,x-api-key=abc%20def',
        OTEL_METRIC_EXPORT_INTERVAL: '5000',
      }),
    ).toEqual({
      url: 'https://otlp.example.com:4318/v1/metrics',
      headers: { 'x-team': 'agents', 'x-api-key': 'abc def' },
      intervalMs: 5000,
    });
    // A metrics-specific endpoint is the full URL, used as it is; its headers add to the general ones.
    expect(
      temporalRuntimeMetricsSettings({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://metrics.local:9000/otlp/metrics',
        OTEL_EXPORTER_OTLP_HEADERS: 'a=1',
        OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'a=2,b=3',
      }),
    ).toMatchObject({ url: 'http://metrics.local:9000/otlp/metrics', headers: { a: '2', b: '3' } });
  });
});
