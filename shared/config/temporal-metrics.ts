/**
 * TEMPORAL_PROMETHEUS_ADDRESS: where a process that runs a worker serves the Temporal SDK's runtime metrics for a
 * Prometheus scrape (http://host:port/metrics), instead of sending them over OTLP. Read by the workers (and an MCP
 * server with `--with-worker`) and by `npm start`, which gives each worker it starts its own port from this one on.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { defineSection } from './section';

export interface PrometheusAddress {
  /** An IP address: the SDK's native exporter binds a socket address and resolves no names. */
  host: string;
  port: number;
}

export interface TemporalRuntimeMetricsConfig {
  /** Unset: the runtime metrics go over OTLP when telemetry has a metrics endpoint, else nowhere. */
  prometheus?: PrometheusAddress;
}

const LOOPBACK = '127.0.0.1';
const EXPECTED = 'expected host:port with an IP address, like 127.0.0.1:9464, or a port alone (served on 127.0.0.1)';

/** `9464`, `:9464`, `127.0.0.1:9464`, `0.0.0.0:9464`, `[::1]:9464`; `localhost` stands for 127.0.0.1. */
export function parsePrometheusAddress(value: string): PrometheusAddress | undefined {
  const match = /^(?:(?:\[([^\]]+)\]|([^:[\]]*)):)?(\d{1,5})$/.exec(value.trim());
  if (!match) return undefined;
  const [, v6, named, digits] = match;
  const port = Number(digits);
  if (port < 1 || port > 65535) return undefined;
  // No host named: loopback, so nothing is exposed beyond this machine unless the user asks for it.
  const host = v6 ?? (!named || named === 'localhost' ? LOOPBACK : named);
  if (v6 ? isIP(host) !== 6 : isIP(host) !== 4) return undefined;
  return { host, port };
}

/** The `bindAddress` the SDK's Prometheus exporter takes. */
export function prometheusBindAddress({ host, port }: PrometheusAddress): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Where to scrape it; a wildcard bind is scraped on loopback. */
export function prometheusMetricsUrl({ host, port }: PrometheusAddress): string {
  const reachable = host === '0.0.0.0' ? LOOPBACK : host === '::' ? '::1' : host;
  return `http://${prometheusBindAddress({ host: reachable, port })}/metrics`;
}

export const prometheusAddress = z.string().transform((value, ctx) => {
  const parsed = parsePrometheusAddress(value);
  if (!parsed) {
    ctx.addIssue({ code: 'custom', message: EXPECTED });
    return z.NEVER;
  }
  return parsed;
});

export const temporalRuntimeMetricsSection = defineSection(
  { TEMPORAL_PROMETHEUS_ADDRESS: prometheusAddress.optional() },
  (c): TemporalRuntimeMetricsConfig =>
    c.TEMPORAL_PROMETHEUS_ADDRESS ? { prometheus: c.TEMPORAL_PROMETHEUS_ADDRESS } : {},
);
