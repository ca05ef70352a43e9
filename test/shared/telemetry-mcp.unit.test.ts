/**
 * The MCP server side counts failed tool calls by tool and `error.type`: a result with `isError` is `tool_error`, an
 * exception its kind. Successful calls and client-side calls count nothing. Read through a real meter provider.
 */
import { metrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader, type SumMetricData } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import {
  enableMcpTelemetry,
  traceMcpClientRequest,
  traceMcpServerRequest,
  TOOL_ERRORS_METRIC,
} from '../../shared/telemetry/mcp';

/** Collects on demand, as an exporter's periodic reader would. */
class OnDemandReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

describe('MCP tool error metrics', () => {
  it('counts server-side tool errors by gen_ai.tool.name and error.type', async () => {
    const reader = new OnDemandReader();
    const provider = new MeterProvider({ readers: [reader] });
    metrics.setGlobalMeterProvider(provider);
    enableMcpTelemetry();
    try {
      const call = (tool: string, outcome: 'ok' | 'isError' | 'throw') =>
        traceMcpServerRequest(
          { method: 'tools/call', tool },
          undefined,
          async () => {
            if (outcome === 'throw') throw Object.assign(new Error('workflow timed out'), { kind: 'timeout' });
            return { isError: outcome === 'isError' };
          },
          (r) => r.isError,
        ).catch(() => undefined);
      await call('stock_price', 'ok');
      await call('stock_price', 'isError');
      await call('stock_price', 'isError');
      await call('stock_price', 'throw');
      await call('calculate_roi', 'isError');
      // The client side sees the same error but does not count it: one count per failed call, on the server.
      await traceMcpClientRequest(
        { method: 'tools/call', tool: 'calculate_roi' },
        async () => ({ isError: true }),
        (r) => r.isError,
      );

      const { resourceMetrics } = await reader.collect();
      const metric = resourceMetrics.scopeMetrics
        .flatMap((s) => s.metrics)
        .find((m) => m.descriptor.name === TOOL_ERRORS_METRIC) as SumMetricData | undefined;
      expect(metric?.isMonotonic).toBe(true);
      const points = metric!.dataPoints.map((p) => ({ attributes: p.attributes, value: p.value }));
      expect(points).toHaveLength(3);
      expect(points).toEqual(
        expect.arrayContaining([
          { attributes: { 'gen_ai.tool.name': 'stock_price', 'error.type': 'tool_error' }, value: 2 },
          { attributes: { 'gen_ai.tool.name': 'stock_price', 'error.type': 'timeout' }, value: 1 },
          { attributes: { 'gen_ai.tool.name': 'calculate_roi', 'error.type': 'tool_error' }, value: 1 },
        ]),
      );
    } finally {
      await provider.shutdown();
      metrics.disable();
    }
  });
});
