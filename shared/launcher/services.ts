/** The long-running parts of the system, as `npm start`, `npm run services` and the benchmark run them. */
import type { AppConfig } from '../config';
import type { ServiceSpec } from './service-process';

function healthCheck(host: string, port: number): () => Promise<boolean> {
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return async () => (await fetch(`http://${reachable}:${port}/healthz`, { signal: AbortSignal.timeout(2000) })).ok;
}

export type ServiceName = 'worker:finance' | 'worker:it' | 'mcp:finance' | 'mcp:it' | 'worker:orchestrator';

export function systemServices(config: AppConfig): (ServiceSpec & { name: ServiceName })[] {
  const { host, financePort, itPort } = config.mcp;
  return [
    { name: 'worker:finance', entry: 'tool-workers/finance/main.ts', runsTemporalWorker: true },
    { name: 'worker:it', entry: 'tool-workers/it/main.ts', runsTemporalWorker: true },
    { name: 'mcp:finance', entry: 'mcp-servers/finance/main.ts', check: healthCheck(host, financePort) },
    { name: 'mcp:it', entry: 'mcp-servers/it/main.ts', check: healthCheck(host, itPort) },
    { name: 'worker:orchestrator', entry: 'orchestrator/main.ts', runsTemporalWorker: true },
  ];
}
