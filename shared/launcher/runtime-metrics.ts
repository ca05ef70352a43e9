/**
 * TEMPORAL_PROMETHEUS_ADDRESS under `npm start` / `npm run services`: every process that runs a worker serves its
 * own Temporal runtime metrics, and no two can bind one port. So each gets its own: the configured port for the first,
 * the next ports for the others, in the order the launcher starts them (the same on every start, so a scrape config
 * can name them).
 */
import { ConfigError, prometheusBindAddress, prometheusMetricsUrl, type PrometheusAddress } from '../config';
import { assertPortFree } from './ports';
import type { ServiceSpec } from './service-process';

export interface RuntimeMetricsEndpoint {
  service: string;
  address: PrometheusAddress;
  url: string;
}

/** The services with their own TEMPORAL_PROMETHEUS_ADDRESS each; unchanged when none is configured. */
export function assignRuntimeMetricsAddresses<T extends ServiceSpec>(
  services: T[],
  base: PrometheusAddress | undefined,
): { services: T[]; endpoints: RuntimeMetricsEndpoint[] } {
  if (!base) return { services, endpoints: [] };
  const endpoints: RuntimeMetricsEndpoint[] = [];
  const assigned = services.map((spec) => {
    if (!spec.runsTemporalWorker) return spec;
    const address = { host: base.host, port: base.port + endpoints.length };
    endpoints.push({ service: spec.name, address, url: prometheusMetricsUrl(address) });
    return { ...spec, env: { ...spec.env, TEMPORAL_PROMETHEUS_ADDRESS: prometheusBindAddress(address) } };
  });
  const last = endpoints.at(-1);
  if (last && last.address.port > 65535) {
    throw new ConfigError([
      `TEMPORAL_PROMETHEUS_ADDRESS: npm start serves ${endpoints.length} workers' metrics on ports ${base.port} to ${last.address.port}, beyond 65535; choose a lower port`,
    ]);
  }
  return { services: assigned, endpoints };
}

/** Before anything starts: a taken metrics port is one line naming the variable, not a worker dying at start. */
export async function assertRuntimeMetricsPortsFree(endpoints: RuntimeMetricsEndpoint[]): Promise<void> {
  for (const { service, address } of endpoints) {
    await assertPortFree({
      host: address.host,
      port: address.port,
      what: `the Temporal runtime metrics of ${service}`,
      setting: `TEMPORAL_PROMETHEUS_ADDRESS (npm start uses its port and the next ${endpoints.length - 1}, one per worker)`,
    });
  }
}
