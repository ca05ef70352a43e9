/**
 * Configuration, split by concern: each process parses only the sections it uses (`loadProcessConfig` in
 * shared/main.ts), so one bad setting for one part never stops another. Nothing below a process's edge reads
 * `process.env`. `parseConfig` parses every section: for what runs the whole system (the launcher, bench, load
 * runs, tests).
 */
import { toolApprovalExpirySection, toolApprovalSection } from './approvals';
import type { ApprovalPolicy } from '../tools/approval';
import { devServerSection, temporalUiSection, type DevServerSettings, type TemporalUiSettings } from './dev-server';
import type { Env } from './env';
import { financeSection, type FinanceConfig } from './finance';
import { itSection, type ItConfig } from './it';
import { callerLimitsSection, type CallerLimits } from './limits';
import { logLevelSection, type LogLevel } from './logging';
import { financeMcpListenSection, itMcpListenSection, mcpServingSection, type McpHttpConfig } from './mcp';
import { orchestratorSection, type OrchestratorConfig } from './orchestrator';
import { parseSections, type ConfigSection } from './section';
import { temporalSection, type TemporalConfig } from './temporal';
import { temporalRuntimeMetricsSection, type TemporalRuntimeMetricsConfig } from './temporal-metrics';

export * from './approvals';
export * from './dev-server';
export * from './env';
export * from './finance';
export * from './it';
export * from './limits';
export * from './logging';
export * from './mcp';
export * from './model-routing';
export * from './nexus';
export * from './orchestrator';
export * from './section';
export * from './temporal';
export * from './temporal-metrics';

/** Every section, under the names `AppConfig` gives them (the MCP ones merge into `mcp`). */
export const appSections = {
  logLevel: logLevelSection,
  temporal: temporalSection,
  temporalUi: temporalUiSection,
  temporalRuntimeMetrics: temporalRuntimeMetricsSection,
  devServer: devServerSection,
  mcpServing: mcpServingSection,
  financeMcp: financeMcpListenSection,
  itMcp: itMcpListenSection,
  callerLimits: callerLimitsSection,
  finance: financeSection,
  it: itSection,
  toolApproval: toolApprovalSection,
  toolApprovalExpiryMs: toolApprovalExpirySection,
  orchestrator: orchestratorSection,
};

/** Every variable some section reads: what `.env.example` and docs/configuration.md's table document. */
export const configVariables: readonly string[] = [
  ...new Set(Object.values(appSections).flatMap((s) => Object.keys(s.variables))),
];

export interface AppConfig {
  logLevel: LogLevel;
  temporal: TemporalConfig;
  temporalUi: TemporalUiSettings;
  temporalRuntimeMetrics: TemporalRuntimeMetricsConfig;
  devServer: DevServerSettings;
  mcp: McpHttpConfig;
  /** The same bounds as `mcp.limits`, as the tool workers read them (for Nexus callers). */
  callerLimits: CallerLimits;
  finance: FinanceConfig;
  it: ItConfig;
  /** Which tool calls need approval: read by the MCP servers and the tool workers, which enforce it. */
  toolApproval: ApprovalPolicy;
  /** How long an MCP client's approval question waits (TOOL_APPROVAL_EXPIRY_MS). */
  toolApprovalExpiryMs: number;
  orchestrator: OrchestratorConfig;
}

/** All of it, for what starts every part (and so needs every part's settings right before it starts any). */
export function parseConfig(env: Env, warn?: (message: string) => void): AppConfig {
  const { mcpServing, financeMcp, itMcp, ...rest } = parseSections(env, appSections, warn);
  return {
    ...rest,
    mcp: {
      ...mcpServing,
      financePort: financeMcp.port,
      itPort: itMcp.port,
      publicUrls: { finance: financeMcp.publicUrl, it: itMcp.publicUrl },
    },
  };
}

/** `parseConfig` as one section, for the launcher's `loadProcessConfig`. */
export const wholeSystemSection: ConfigSection<AppConfig> = {
  variables: Object.assign({}, ...Object.values(appSections).map((s) => s.variables)),
  parse: (env, warn) => parseConfig(env, warn),
};
