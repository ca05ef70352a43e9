/**
 * Structured logs go to stderr only: stdout belongs to the MCP stdio protocol and to the chat.
 *
 * A line written inside an OpenTelemetry span carries that span's `trace_id`, `span_id` and `trace_flags` (the field
 * names of the OpenTelemetry log data model for non-OTLP formats), so a log line leads to its trace. With telemetry
 * off no span is ever valid and the lines are unchanged.
 */
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * The active span's ids, or nothing. A pino `mixin` rather than @opentelemetry/instrumentation-pino: that one patches
 * `require('pino')`, which must happen before pino is first loaded and does not see ESM/tsx imports reliably.
 */
export function traceFields(): { trace_id?: string; span_id?: string; trace_flags?: string } {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const ctx = span.spanContext();
  if (!isSpanContextValid(ctx)) return {};
  return { trace_id: ctx.traceId, span_id: ctx.spanId, trace_flags: `0${ctx.traceFlags.toString(16)}`.slice(-2) };
}

/** `destination` is for tests; processes always write to stderr. */
export function createLogger(
  name: string,
  level: string = 'info',
  destination: DestinationStream = pino.destination({ fd: 2, sync: true }),
): Logger {
  return pino(
    {
      name,
      level,
      mixin: traceFields,
      // Belt and braces: secrets never reach a log line even if an object carrying them is logged.
      redact: {
        paths: ['apiKey', '*.apiKey', 'authorization', '*.authorization', 'headers.authorization', 'token', '*.token'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
