/**
 * The bench's callers, in the orchestrator's namespace: the least a workflow does to use a finance tool through each of
 * the orchestrator's two transports. `roiOverNexus` runs `calculate_roi` as a Nexus operation through the finance
 * endpoint; `roiOverMcpActivity` runs it as an activity that makes the MCP tools/call, as `callMcpTool` does;
 * `emptyCaller` has nothing inside: what a caller workflow alone costs.
 * Workflow code: deterministic, no I/O.
 */
import { createNexusServiceClient, proxyActivities } from '@temporalio/workflow';
import { financeService } from '../../tool-workers/finance/tools';
import type { RoiInput, RoiResult } from '../../tool-workers/finance/contract';

export interface RoiOverNexusInput {
  /** The Nexus endpoint that routes to the finance namespace and its worker's task queue. */
  endpoint: string;
  roi: RoiInput;
}

/** The caller worker's one activity: `calculate_roi` through the Finance MCP server. */
export interface McpCallerActivities {
  roiOverMcp(roi: RoiInput): Promise<Record<string, unknown>>;
}

const { roiOverMcp } = proxyActivities<McpCallerActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 1 },
});

export async function roiOverNexus({ endpoint, roi }: RoiOverNexusInput): Promise<RoiResult> {
  const finance = createNexusServiceClient({ endpoint, service: financeService });
  return finance.executeOperation('calculate_roi', roi, { scheduleToCloseTimeout: '30 seconds' });
}

export async function roiOverMcpActivity(roi: RoiInput): Promise<Record<string, unknown>> {
  return roiOverMcp(roi);
}

export async function emptyCaller(): Promise<void> {}
