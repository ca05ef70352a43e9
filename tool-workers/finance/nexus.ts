/**
 * The finance Nexus service's handlers, registered on the finance worker. Every finance tool is one workflow run, so
 * every operation is a workflow-run operation that starts the same workflow the MCP server starts.
 */
import { toolServiceHandler } from '../../shared/tools/nexus-handlers';
import { financeService, financeTools } from './tools';

export const financeNexusHandler = toolServiceHandler(financeService, financeTools);
