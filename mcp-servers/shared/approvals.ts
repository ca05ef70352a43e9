/**
 * The approval policy of an MCP server instance (shared/tools/approval.ts), checked by every path that runs a tool
 * call on it: the plain tools/call handler (tool-registration.ts) and the tasks extension. A server given no policy
 * follows the tools' own defaults, so a tool that needs approval by default is never run unasked.
 */
import type { CallToolResult, McpServer } from '@modelcontextprotocol/server';
import {
  approvalRefusal,
  DEFAULT_APPROVAL_POLICY,
  needsApproval,
  type ApprovalDefault,
  type ApprovalPolicy,
} from '../../shared/tools/approval';
import { toolError } from './tool-results';

/** Tool-error kind (in the result's `_meta`) of a call refused for want of approval. */
export const APPROVAL_REQUIRED = 'approval_required';

const policies = new WeakMap<McpServer, ApprovalPolicy>();

/** Sets the policy of a server instance; call it before the server takes calls. */
export function useApprovalPolicy(server: McpServer, policy: ApprovalPolicy | undefined): void {
  if (policy) policies.set(server, policy);
}

/** The refusal for a call that needs approval this server cannot ask for; undefined when the call may run. */
export function approvalRefusalResult(
  server: McpServer,
  tool: { name: string; approval?: ApprovalDefault },
): CallToolResult | undefined {
  const policy = policies.get(server) ?? DEFAULT_APPROVAL_POLICY;
  return needsApproval(tool, policy) ? toolError(approvalRefusal(tool, policy), APPROVAL_REQUIRED) : undefined;
}
