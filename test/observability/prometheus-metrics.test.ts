/**
 * The Temporal SDK's runtime metrics served for a Prometheus scrape: the finance worker, started from its entry point
 * the way `npm start` starts it (shared/launcher: its own TEMPORAL_PROMETHEUS_ADDRESS from the launcher's assignment),
 * against the test run's Temporal service. Once it polls, its native core's metrics are at /metrics over plain HTTP.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { prometheusMetricsUrl } from '../../shared/config';
import { assignRuntimeMetricsAddresses } from '../../shared/launcher/runtime-metrics';
import { ServiceProcess } from '../../shared/launcher/service-process';
import { systemServices } from '../../shared/launcher/services';
import { freePort, waitFor } from '../support/processes';
import { testConfig, uniqueTaskQueue } from '../support/temporal';

let worker: ServiceProcess | undefined;
const lines: string[] = [];

afterAll(async () => {
  await worker?.stop();
});

async function scrape(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return res.text();
}

describe('Temporal runtime metrics over Prometheus', () => {
  it('a worker started by the launcher serves its core metrics at its own /metrics', { timeout: 240_000 }, async () => {
    const config = testConfig();
    const port = await freePort();
    const { services, endpoints } = assignRuntimeMetricsAddresses(systemServices(config), { host: '127.0.0.1', port });
    const finance = services.find((s) => s.name === 'worker:finance')!;
    expect(endpoints.find((e) => e.service === 'worker:finance')?.url).toBe(`http://127.0.0.1:${port}/metrics`);

    const taskQueue = uniqueTaskQueue('finance-prometheus');
    worker = new ServiceProcess(
      finance,
      {
        PATH: process.env.PATH!,
        HOME: process.env.HOME!,
        ENV_FILE: '/nonexistent',
        LOG_LEVEL: 'info',
        TEMPORAL_ADDRESS: config.temporal.address,
        FINANCE_TASK_QUEUE: taskQueue,
      },
      (line) => lines.push(line),
    );
    await worker.waitUntilReady(180_000);
    const url = prometheusMetricsUrl({ host: '127.0.0.1', port });
    expect(lines.join('\n')).toContain(`Temporal runtime metrics served url=${url}`);

    // A polling worker reports its pollers and request latencies from the native core, with the `temporal_` prefix.
    let text = '';
    await waitFor(
      'Temporal core metrics at /metrics',
      async () => {
        text = await scrape(url);
        return text.includes(`temporal_num_pollers{`) && text.includes('temporal_request_latency_bucket{');
      },
      60_000,
    );
    const types = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(types).toEqual(
      expect.arrayContaining([
        'temporal_request counter',
        'temporal_request_latency histogram',
        'temporal_long_request counter',
        'temporal_num_pollers gauge',
        'temporal_worker_task_slots_available gauge',
      ]),
    );
    // This worker's pollers, by its task queue.
    expect(text).toMatch(new RegExp(`^temporal_num_pollers\\{[^}]*task_queue="${taskQueue}"[^}]*\\} \\d+$`, 'm'));
    // Durations in seconds, as over OTLP: the latency buckets start at 0.05 (50 ms), not at 50.
    expect(text).toMatch(/^temporal_request_latency_bucket\{[^}]*le="0\.05"\} \d+$/m);
  });
});
