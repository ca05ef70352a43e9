/**
 * Routes the Temporal SDK's own logs (worker lifecycle, activity context loggers) into our pino logger on stderr, and
 * its runtime metrics where they are configured: served for a Prometheus scrape at TEMPORAL_PROMETHEUS_ADDRESS, else
 * to the OTLP/HTTP metrics endpoint when telemetry has one (see shared/telemetry), else nowhere.
 * Call once per process, before the first worker or connection is created.
 */
import { DefaultLogger, Runtime, type LogLevel, type RuntimeOptions } from '@temporalio/worker';
import {
  prometheusBindAddress,
  prometheusMetricsUrl,
  type PrometheusAddress,
  type TemporalRuntimeMetricsConfig,
} from '../config';
import type { Logger } from '../logger';
import { StartupError } from '../main';
import { temporalRuntimeMetricsSettings } from '../telemetry';

const pinoLevel: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * The Runtime's telemetry options: a Prometheus endpoint when one is configured, else OTLP/HTTP when telemetry has a
 * metrics endpoint, else none (the default). Durations in seconds either way, like every OpenTelemetry duration
 * (ours included) and Prometheus's base unit.
 */
export function temporalTelemetryOptions(
  metrics: TemporalRuntimeMetricsConfig = {},
  env: NodeJS.ProcessEnv = process.env,
): RuntimeOptions['telemetryOptions'] {
  if (metrics.prometheus) {
    return {
      metrics: {
        prometheus: { bindAddress: prometheusBindAddress(metrics.prometheus), useSecondsForDurations: true },
      },
    };
  }
  const otel = temporalRuntimeMetricsSettings(env);
  if (!otel) return undefined;
  return {
    metrics: {
      otel: {
        url: otel.url,
        http: true,
        headers: otel.headers,
        metricsExportInterval: otel.intervalMs,
        useSecondsForDurations: true,
      },
    },
  };
}

/** The exporter binds while the Runtime is created: a taken port fails here, and the message names the setting. */
function prometheusStartError(address: PrometheusAddress, err: unknown): StartupError {
  const reason = (err as Error).message.replace(/^Failed to start prometheus metrics exporter: /, '');
  const inUse = /address already in use/i.test(reason);
  return new StartupError(
    `cannot serve the Temporal runtime metrics at ${prometheusBindAddress(address)} (${reason}): ` +
      `${inUse ? 'stop what holds that port, or ' : ''}set TEMPORAL_PROMETHEUS_ADDRESS to a free ${inUse ? 'port' : 'address'}, or unset it`,
    { cause: err },
  );
}

export function installTemporalRuntime(
  log: Logger,
  level: LogLevel = 'INFO',
  options: { metrics?: TemporalRuntimeMetricsConfig; env?: NodeJS.ProcessEnv } = {},
): void {
  const { metrics = {}, env = process.env } = options;
  const telemetryOptions = temporalTelemetryOptions(metrics, env);
  try {
    Runtime.install({
      logger: new DefaultLogger(level, (entry) => log[pinoLevel[entry.level]]({ ...entry.meta }, entry.message)),
      ...(telemetryOptions ? { telemetryOptions } : {}),
    });
  } catch (err) {
    if (metrics.prometheus && /prometheus/i.test((err as Error).message))
      throw prometheusStartError(metrics.prometheus, err);
    throw err;
  }
  if (metrics.prometheus)
    log.info({ url: prometheusMetricsUrl(metrics.prometheus) }, 'Temporal runtime metrics served');
}
