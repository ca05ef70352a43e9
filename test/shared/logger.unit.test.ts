/**
 * Logs join traces: a pino line written inside a span carries that span's ids; outside any span, or with telemetry
 * off (the API's no-op tracer, whose spans are never valid), the line has no trace fields at all.
 */
import { Writable } from 'node:stream';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/logger';

/** A logger writing JSON lines into memory, and the lines it wrote, parsed. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: createLogger('unit', 'info', sink), lines };
}

const TRACE_FIELDS = ['trace_id', 'span_id', 'trace_flags'];

describe('log lines and traces', () => {
  it('with telemetry off, a line inside a (no-op) span is unchanged: no trace fields', () => {
    const { log, lines } = capturedLogger();
    trace.getTracer('unit').startActiveSpan('noop', (span) => {
      log.info({ symbol: 'AAPL' }, 'inside a no-op span');
      span.end();
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'inside a no-op span', symbol: 'AAPL' });
    for (const field of TRACE_FIELDS) expect(lines[0]).not.toHaveProperty(field);
  });

  it('with a tracer registered, a line inside a span carries its trace_id and span_id, one outside none', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    provider.register();
    try {
      const { log, lines } = capturedLogger();
      const child = log.child({ component: 'activity' });
      log.info('before');
      const tracer = trace.getTracer('unit');
      await tracer.startActiveSpan('outer', async (outer) => {
        log.info('in outer');
        // Across an await, and in a child logger, in a nested span.
        await new Promise((resolve) => setTimeout(resolve, 1));
        tracer.startActiveSpan('inner', (inner) => {
          child.info('in inner');
          inner.end();
        });
        outer.end();
      });
      log.info('after');

      const [outer, inner] = ['outer', 'inner'].map((name) =>
        exporter.getFinishedSpans().find((s) => s.name === name)!,
      );
      const byMsg = Object.fromEntries(lines.map((l) => [l.msg, l]));
      expect(byMsg['in outer']).toMatchObject({
        trace_id: outer!.spanContext().traceId,
        span_id: outer!.spanContext().spanId,
        trace_flags: '01',
      });
      expect(byMsg['in inner']).toMatchObject({
        component: 'activity',
        trace_id: outer!.spanContext().traceId,
        span_id: inner!.spanContext().spanId,
      });
      expect(byMsg['in inner']!.span_id).not.toBe(byMsg['in outer']!.span_id);
      for (const msg of ['before', 'after'])
        for (const field of TRACE_FIELDS) expect(byMsg[msg]).not.toHaveProperty(field);
    } finally {
      await provider.shutdown();
      trace.disable();
    }
  });
});
