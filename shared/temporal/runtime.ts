/**
 * Routes the Temporal SDK's own logs (worker lifecycle, activity context loggers) into our pino logger on stderr, and
 * its runtime metrics to the OTLP/HTTP metrics endpoint when telemetry has one (see shared/telemetry).
 * Call once per process, before the first worker or connection is created.
 */
import { DefaultLogger, Runtime, type LogLevel, type RuntimeOptions } from '@temporalio/worker';
import type { Logger } from '../logger';
import { temporalRuntimeMetricsSettings } from '../telemetry';

const pinoLevel: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** The Runtime's telemetry options: metrics over OTLP/HTTP when an endpoint is configured, else none (the default). */
export function temporalTelemetryOptions(env: NodeJS.ProcessEnv = process.env): RuntimeOptions['telemetryOptions'] {
  const otel = temporalRuntimeMetricsSettings(env);
  if (!otel) return undefined;
  return {
    metrics: {
      otel: {
        url: otel.url,
        http: true,
        headers: otel.headers,
        metricsExportInterval: otel.intervalMs,
        // Seconds, like every other OpenTelemetry duration (ours included).
        useSecondsForDurations: true,
      },
    },
  };
}

export function installTemporalRuntime(
  log: Logger,
  level: LogLevel = 'INFO',
  env: NodeJS.ProcessEnv = process.env,
): void {
  const telemetryOptions = temporalTelemetryOptions(env);
  Runtime.install({
    logger: new DefaultLogger(level, (entry) => log[pinoLevel[entry.level]]({ ...entry.meta }, entry.message)),
    ...(telemetryOptions ? { telemetryOptions } : {}),
  });
}
