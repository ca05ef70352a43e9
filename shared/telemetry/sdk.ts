/**
 * The OpenTelemetry SDK behind shared/telemetry: loaded only when telemetry is on, so a process with it off does not
 * pay for importing it.
 */
import { metrics, trace, type Span } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import {
  defaultResource,
  detectResources,
  envDetector,
  hostDetector,
  processDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { OpenTelemetryPlugin, OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry-v2';
import { fileURLToPath } from 'node:url';
import type { Telemetry, TelemetrySettings } from './types';
import { enableMcpTelemetry } from './mcp';
import { WorkflowLinkInterceptor } from './workflow-links';

/**
 * Providers take keys in the query string (Alpha Vantage's `apikey`): every query value is replaced before the HTTP
 * span is exported, so no secret reaches a trace; the parameter names stay, for debugging.
 */
function redactQuery(span: Span, origin: string, path: string): void {
  const url = new URL(path, origin);
  if (!url.search) return;
  for (const key of new Set(url.searchParams.keys())) url.searchParams.set(key, 'REDACTED');
  span.setAttribute('url.full', url.toString());
  span.setAttribute('url.query', url.search);
}

/**
 * The SDK's plugin (@temporalio/interceptors-opentelemetry-v2, for OpenTelemetry JS 2.x: client, activity and Nexus
 * interceptors; the `exporter` sink that turns the sandbox's spans into spans of our processor) with its workflow
 * interceptors swapped for ./workflow-interceptors: replay-safe (histories of the 1.x package's interceptors replay;
 * the 2.x package's would not), and free of the OpenTelemetry SDK, which the sandbox would otherwise evaluate again in
 * every run.
 */
export class ReplaySafeOpenTelemetryPlugin extends OpenTelemetryPlugin {
  constructor(options: ConstructorParameters<typeof OpenTelemetryPlugin>[0]) {
    super(options);
    Object.assign(this.options.workerInterceptors ?? {}, {
      workflowModules: [fileURLToPath(new URL('./workflow-interceptors.ts', import.meta.url))],
    });
  }
}

/** The SDK for a process whose settings turned telemetry on (see startTelemetry). */
export function startSdk(serviceName: string, settings: TelemetrySettings): Telemetry {
  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }))
    .merge(detectResources({ detectors: [processDetector, hostDetector, envDetector] }));
  // The exporter reads the endpoint, headers, timeout and compression from OTEL_EXPORTER_OTLP_*; the processor its
  // OTEL_BSP_* batching; the provider OTEL_TRACES_SAMPLER(_ARG) and OTEL_PROPAGATORS.
  const spanProcessor = new BatchSpanProcessor(new OTLPTraceExporter());
  const tracerProvider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  tracerProvider.register();
  const unregisterInstrumentations = registerInstrumentations({
    tracerProvider,
    instrumentations: [
      new UndiciInstrumentation({ requestHook: (span, request) => redactQuery(span, request.origin, request.path) }),
    ],
  });

  let meterProvider: MeterProvider | undefined;
  if (settings.metrics) {
    meterProvider = new MeterProvider({
      resource,
      readers: [
        new PeriodicExportingMetricReader({
          exporter: new OTLPMetricExporter(),
          exportIntervalMillis: settings.metricIntervalMs,
        }),
      ],
    });
    metrics.setGlobalMeterProvider(meterProvider);
  }

  enableMcpTelemetry({ captureToolContent: settings.captureToolContent === true });
  const tracer = trace.getTracer('durable-mcp-agents');
  return {
    enabled: true,
    // The SDK's interceptor first: it opens the span, and the link interceptor inside it writes onto that span.
    temporalClientInterceptors: (target) => [
      new OpenTelemetryWorkflowClientInterceptor({ tracer }),
      new WorkflowLinkInterceptor(target),
    ],
    // The workflow-side spans are rebuilt in the worker from the sandbox's sink calls and handed to the same processor.
    temporalWorkerPlugins: [new ReplaySafeOpenTelemetryPlugin({ resource, spanProcessor, tracer })],
    async shutdown() {
      unregisterInstrumentations();
      await Promise.allSettled([tracerProvider.shutdown(), meterProvider?.shutdown()]);
    },
  };
}
