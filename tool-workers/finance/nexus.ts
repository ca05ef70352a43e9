/**
 * The finance Nexus service's handlers, registered on the finance worker. Every finance tool is one workflow run, so
 * every operation is a workflow-run operation that starts the same workflow the MCP server starts; `price_alert`, a
 * long-running tool, is bounded per Nexus caller as per MCP caller.
 */
import { toolServiceHandler, type NexusPolicies } from '../../shared/tools/nexus-handlers';
import { financeService, financeTools } from './tools';

export function createFinanceNexusHandler(limits: NexusPolicies = {}) {
  return toolServiceHandler(financeService, financeTools, {}, limits);
}
