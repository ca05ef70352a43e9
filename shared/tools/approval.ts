/**
 * Which tool calls need a person's approval. Each tool definition states its default (`approval`); the operator
 * overrides it from config (TOOL_APPROVAL, TOOL_APPROVAL_ALWAYS, TOOL_APPROVAL_NEVER; shared/config/approvals.ts), in
 * the spirit of the seeds' HostedMCPTool `require_approval` (`always`, `never`, or lists of tool names).
 *
 * Until a caller can be asked (the chat, MCP `input_required`), a call that needs approval is refused with a tool
 * error naming the policy and how to change it, by the process that would run it: never silently run.
 *
 * Workflow-safe: no Node APIs (the definitions that import this reach workflow bundles).
 */

/**
 * Where a tool listing says a tool's calls need approval under the server's policy: MCP `tools/list` `_meta` and the
 * Nexus `list_tools` descriptor (value `required`). A client that asks its user first (the orchestrator) reads it.
 */
export const APPROVAL_META_KEY = 'durable-mcp-agents/approval';

/** What a definition says about its calls when the operator says nothing. */
export type ApprovalDefault = 'required' | 'none';

export interface ApprovalPolicy {
  /** `default`: each tool's own default; `always` / `never`: every tool, unless a list below names it. */
  mode: 'always' | 'never' | 'default';
  /** Tools whose calls need approval whatever `mode` says. */
  always: readonly string[];
  /** Tools whose calls never need approval whatever `mode` says. */
  never: readonly string[];
}

/** No setting: each tool as its definition says. */
export const DEFAULT_APPROVAL_POLICY: ApprovalPolicy = Object.freeze({ mode: 'default', always: [], never: [] });

export function needsApproval(
  tool: { name: string; approval?: ApprovalDefault },
  policy: ApprovalPolicy = DEFAULT_APPROVAL_POLICY,
): boolean {
  if (policy.always.includes(tool.name)) return true;
  if (policy.never.includes(tool.name)) return false;
  if (policy.mode === 'always') return true;
  if (policy.mode === 'never') return false;
  return tool.approval === 'required';
}

/** Why this tool needs approval: the setting (or the default) that decided it. */
function reason(tool: { name: string; approval?: ApprovalDefault }, policy: ApprovalPolicy): string {
  if (policy.always.includes(tool.name)) return `TOOL_APPROVAL_ALWAYS names ${tool.name}`;
  if (policy.mode === 'always') return 'TOOL_APPROVAL=always';
  return `${tool.name} needs approval by default`;
}

/** The tool error a caller reads for a call that needs approval and cannot be asked for it. Nothing has run. */
export function approvalRefusal(
  tool: { name: string; approval?: ApprovalDefault },
  policy: ApprovalPolicy = DEFAULT_APPROVAL_POLICY,
): string {
  return (
    `${tool.name} was not run: the approval policy requires a person's approval for it (${reason(tool, policy)}), ` +
    'and this call cannot be asked for one. Nothing was done. The operator can let it run without approval with ' +
    `TOOL_APPROVAL_NEVER=${tool.name} (or TOOL_APPROVAL=never) in the tool servers' and workers' config.`
  );
}
