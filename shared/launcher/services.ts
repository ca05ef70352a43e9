/** The long-running parts of the system, as `npm start`, `npm run services` and the benchmark run them. */
import {
  callerLimitsSection,
  financeMcpListenSection,
  financeQueueSection,
  financeSection,
  itMcpListenSection,
  itSection,
  itSessionsSection,
  logLevelSection,
  mcpServingSection,
  orchestratorSection,
  temporalRuntimeMetricsSection,
  temporalSection,
  temporalUiSection,
  toolApprovalSection,
  type AppConfig,
} from '../config';
import { serviceEnvironment } from './service-env';
import type { ServiceSpec } from './service-process';

/**
 * What each entry point parses (its `loadProcessConfig` call, plus LOG_LEVEL, which every process reads): the
 * variables it is given. An MCP server without `--with-worker` reads no provider settings, so no provider key.
 */
const common = { logLevel: logLevelSection, temporal: temporalSection };
const workerReads = { ...common, runtimeMetrics: temporalRuntimeMetricsSection };
/**
 * A tool worker bounds its Nexus callers with the same per-caller limits as the MCP servers, and enforces the same
 * approval policy (both run tool calls).
 */
const toolWorkerReads = { ...workerReads, callerLimits: callerLimitsSection, toolApproval: toolApprovalSection };
const serverReads = {
  ...common,
  mcp: mcpServingSection,
  temporalUi: temporalUiSection,
  toolApproval: toolApprovalSection,
};
export const serviceReads = {
  'worker:finance': { ...toolWorkerReads, finance: financeSection },
  'worker:it': { ...toolWorkerReads, it: itSection },
  'mcp:finance': { ...serverReads, finance: financeQueueSection, listen: financeMcpListenSection },
  'mcp:it': { ...serverReads, it: itSessionsSection, listen: itMcpListenSection },
  'worker:orchestrator': { ...workerReads, orchestrator: orchestratorSection },
  chat: { ...common, orchestrator: orchestratorSection, temporalUi: temporalUiSection },
};

/**
 * Read by the chat's config but used only by the orchestrator worker: the chat gets no MCP token, and in place of
 * the API key a stand-in, so that it resolves the same model (the model calls run in the worker; the chat only
 * starts conversations).
 */
/** Model keys: the chat gets a stand-in for each one set, to resolve the same model without holding the key. */
const MODEL_KEYS = ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'GOOGLE_API_KEY'] as const;
export const CHAT_WITHHELD = ['ORCHESTRATOR_MCP_TOKEN', ...MODEL_KEYS] as const;
export const API_KEY_STAND_IN = 'held-by-worker:orchestrator';

function healthCheck(host: string, port: number): () => Promise<boolean> {
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return async () => (await fetch(`http://${reachable}:${port}/healthz`, { signal: AbortSignal.timeout(2000) })).ok;
}

export type ServiceName = 'worker:finance' | 'worker:it' | 'mcp:finance' | 'mcp:it' | 'worker:orchestrator';

export function systemServices(config: AppConfig): (ServiceSpec & { name: ServiceName })[] {
  const { host, financePort, itPort } = config.mcp;
  const reads = serviceReads;
  return [
    {
      name: 'worker:finance',
      entry: 'tool-workers/finance/main.ts',
      runsTemporalWorker: true,
      reads: reads['worker:finance'],
    },
    { name: 'worker:it', entry: 'tool-workers/it/main.ts', runsTemporalWorker: true, reads: reads['worker:it'] },
    {
      name: 'mcp:finance',
      entry: 'mcp-servers/finance/main.ts',
      check: healthCheck(host, financePort),
      reads: reads['mcp:finance'],
    },
    { name: 'mcp:it', entry: 'mcp-servers/it/main.ts', check: healthCheck(host, itPort), reads: reads['mcp:it'] },
    {
      name: 'worker:orchestrator',
      entry: 'orchestrator/main.ts',
      runsTemporalWorker: true,
      reads: reads['worker:orchestrator'],
    },
  ];
}

/** The chat's environment: what its config reads, less what only the orchestrator worker uses. */
export function chatEnvironment(launcherEnv: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = serviceEnvironment(launcherEnv, serviceReads.chat, CHAT_WITHHELD);
  for (const key of MODEL_KEYS) if (launcherEnv[key]?.trim()) env[key] = API_KEY_STAND_IN;
  return env;
}
