/**
 * TEMPORAL_PROMETHEUS_ADDRESS without a Temporal service: what the setting accepts, the one line a bad value or a
 * taken port becomes at a real worker's edge, the Runtime option it turns into, and the launcher's one port per
 * worker. The scrape of a running worker is in ./prometheus-metrics.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConfigError,
  parseConfig,
  parseSections,
  projectRoot,
  prometheusBindAddress,
  prometheusMetricsUrl,
  temporalRuntimeMetricsSection,
} from '../../shared/config';
import { assertRuntimeMetricsPortsFree, assignRuntimeMetricsAddresses } from '../../shared/launcher/runtime-metrics';
import { systemServices } from '../../shared/launcher/services';
import { StartupError } from '../../shared/main';
import { temporalTelemetryOptions } from '../../shared/temporal/runtime';
import { freePort } from '../support/processes';

const parse = (value?: string) =>
  parseSections({ TEMPORAL_PROMETHEUS_ADDRESS: value }, { metrics: temporalRuntimeMetricsSection }).metrics;

function problemsOf(value: string): string[] {
  try {
    parse(value);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error(`${value} was accepted`);
}

const held: Server[] = [];
async function holdPort(): Promise<number> {
  const port = await freePort();
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  held.push(server);
  return port;
}

afterEach(async () => {
  await Promise.all(held.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** The finance worker from its entry point; nothing listens at TEMPORAL_ADDRESS, so it never gets past its edge. */
function runFinanceWorker(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'tool-workers/finance/main.ts'], {
    cwd: projectRoot,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ENV_FILE: '/nonexistent',
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      ...env,
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('TEMPORAL_PROMETHEUS_ADDRESS', () => {
  it('is off unless set; binds loopback unless the value names another host', () => {
    expect(parse(undefined)).toEqual({});
    expect(parse('')).toEqual({});
    expect(parse('127.0.0.1:9464')).toEqual({ prometheus: { host: '127.0.0.1', port: 9464 } });
    for (const loopback of ['9464', ':9464', 'localhost:9464', ' 9464 '])
      expect(parse(loopback), loopback).toEqual({ prometheus: { host: '127.0.0.1', port: 9464 } });
    expect(parse('0.0.0.0:9464')).toEqual({ prometheus: { host: '0.0.0.0', port: 9464 } });
    expect(parse('[::1]:9464')).toEqual({ prometheus: { host: '::1', port: 9464 } });
  });

  it('turns into the socket address the SDK binds and the URL to scrape', () => {
    expect(prometheusBindAddress({ host: '127.0.0.1', port: 9464 })).toBe('127.0.0.1:9464');
    expect(prometheusBindAddress({ host: '::1', port: 9464 })).toBe('[::1]:9464');
    expect(prometheusMetricsUrl({ host: '10.0.0.5', port: 9464 })).toBe('http://10.0.0.5:9464/metrics');
    // A wildcard bind is scraped on loopback.
    expect(prometheusMetricsUrl({ host: '0.0.0.0', port: 9464 })).toBe('http://127.0.0.1:9464/metrics');
    expect(prometheusMetricsUrl({ host: '::', port: 9464 })).toBe('http://[::1]:9464/metrics');
  });

  it('refuses anything else with one problem naming the variable and the value', () => {
    const expected =
      'expected host:port with an IP address, like 127.0.0.1:9464, or a port alone (served on 127.0.0.1)';
    // The SDK's exporter resolves no host names, so a name other than localhost is refused here, not at bind time.
    for (const bad of [
      'metrics.internal:9464',
      '127.0.0.1',
      '127.0.0.1:0',
      '127.0.0.1:70000',
      'http://127.0.0.1:9464',
      '::1:9464',
      '[127.0.0.1]:9464',
    ])
      expect(problemsOf(bad), bad).toEqual([`TEMPORAL_PROMETHEUS_ADDRESS: ${expected} (got ${JSON.stringify(bad)})`]);
  });

  it('a bad value stops a worker at its edge with one line', { timeout: 60_000 }, () => {
    const run = runFinanceWorker({ TEMPORAL_PROMETHEUS_ADDRESS: 'metrics.internal:9464' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      'worker:finance: Invalid configuration: TEMPORAL_PROMETHEUS_ADDRESS: expected host:port with an IP address, like 127.0.0.1:9464, or a port alone (served on 127.0.0.1) (got "metrics.internal:9464")',
    ]);
  });

  it('a port in use stops a worker with one line naming the variable', { timeout: 60_000 }, async () => {
    const port = await holdPort();
    const run = runFinanceWorker({ TEMPORAL_PROMETHEUS_ADDRESS: `127.0.0.1:${port}` });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n').at(-1)).toBe(
      `worker:finance: cannot serve the Temporal runtime metrics at 127.0.0.1:${port} (Address already in use (os error 98)): stop what holds that port, or set TEMPORAL_PROMETHEUS_ADDRESS to a free port, or unset it`,
    );
  });
});

describe("the Runtime's metrics option", () => {
  const otlp = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' };

  it('serves Prometheus when the address is set, even with an OTLP endpoint (which keeps our own metrics)', () => {
    expect(temporalTelemetryOptions({ prometheus: { host: '127.0.0.1', port: 9464 } }, otlp)).toEqual({
      metrics: { prometheus: { bindAddress: '127.0.0.1:9464', useSecondsForDurations: true } },
    });
  });

  it('sends over OTLP without it, and nowhere without either', () => {
    expect(temporalTelemetryOptions({}, otlp)).toMatchObject({
      metrics: { otel: { url: 'http://127.0.0.1:4318/v1/metrics', http: true, useSecondsForDurations: true } },
    });
    expect(temporalTelemetryOptions({}, {})).toBeUndefined();
  });
});

describe('the launcher gives each worker its own metrics port', () => {
  const config = parseConfig({ HOME: '/home/someone' });

  it('the configured port for the first worker, the next ones for the others, in start order; servers untouched', () => {
    const { services, endpoints } = assignRuntimeMetricsAddresses(systemServices(config), {
      host: '127.0.0.1',
      port: 9464,
    });
    expect(endpoints).toEqual([
      { service: 'worker:finance', address: { host: '127.0.0.1', port: 9464 }, url: 'http://127.0.0.1:9464/metrics' },
      { service: 'worker:it', address: { host: '127.0.0.1', port: 9465 }, url: 'http://127.0.0.1:9465/metrics' },
      {
        service: 'worker:orchestrator',
        address: { host: '127.0.0.1', port: 9466 },
        url: 'http://127.0.0.1:9466/metrics',
      },
    ]);
    expect(Object.fromEntries(services.map((s) => [s.name, s.env?.TEMPORAL_PROMETHEUS_ADDRESS]))).toEqual({
      'worker:finance': '127.0.0.1:9464',
      'worker:it': '127.0.0.1:9465',
      'mcp:finance': undefined,
      'mcp:it': undefined,
      'worker:orchestrator': '127.0.0.1:9466',
    });
  });

  it('changes nothing when the variable is unset', () => {
    const services = systemServices(config);
    expect(assignRuntimeMetricsAddresses(services, undefined)).toEqual({ services, endpoints: [] });
  });

  it('refuses a port with no room for every worker', () => {
    expect(() => assignRuntimeMetricsAddresses(systemServices(config), { host: '127.0.0.1', port: 65534 })).toThrow(
      new ConfigError([
        "TEMPORAL_PROMETHEUS_ADDRESS: npm start serves 3 workers' metrics on ports 65534 to 65536, beyond 65535; choose a lower port",
      ]),
    );
  });

  it('a taken port is one line naming the worker, the holder and the variable, before anything starts', async () => {
    const base = await holdPort();
    const { endpoints } = assignRuntimeMetricsAddresses(systemServices(config), { host: '127.0.0.1', port: base });
    const error = await assertRuntimeMetricsPortsFree(endpoints).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^port ${base} on 127\\.0\\.0\\.1, for the Temporal runtime metrics of worker:finance, is already in use by pid ${process.pid} .*: stop it \\(kill ${process.pid}\\), or set TEMPORAL_PROMETHEUS_ADDRESS \\(npm start uses its port and the next 2, one per worker\\) to a free port$`,
      ),
    );
  });
});
