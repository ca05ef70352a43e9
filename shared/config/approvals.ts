/**
 * The approval policy (shared/tools/approval.ts), read by every process that runs tool calls: the MCP servers and the
 * tool workers (their Nexus handlers). A tool name the lists give that no tool has is refused at start, with the
 * known names, so a typo never leaves a tool unguarded.
 */
import { z } from 'zod';
import type { ApprovalPolicy } from '../tools/approval';
import { financeToolNames } from '../../tool-workers/finance/tools';
import { itToolNames } from '../../tool-workers/it/tools';
import { ConfigError } from './env';
import { defineSection } from './section';

const toolList = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n.length > 0),
  );

export const toolApprovalSection = defineSection(
  {
    TOOL_APPROVAL: z.enum(['default', 'always', 'never']).default('default'),
    TOOL_APPROVAL_ALWAYS: toolList,
    TOOL_APPROVAL_NEVER: toolList,
  },
  (c): ApprovalPolicy => {
    const known: readonly string[] = [...financeToolNames, ...itToolNames];
    const problems: string[] = [];
    for (const name of ['TOOL_APPROVAL_ALWAYS', 'TOOL_APPROVAL_NEVER'] as const) {
      const unknown = c[name].filter((n) => !known.includes(n));
      if (unknown.length > 0)
        problems.push(`${name}: unknown tool ${unknown.join(', ')}; the tools are ${known.join(', ')}`);
    }
    const both = c.TOOL_APPROVAL_ALWAYS.filter((n) => c.TOOL_APPROVAL_NEVER.includes(n));
    if (both.length > 0) problems.push(`TOOL_APPROVAL_ALWAYS and TOOL_APPROVAL_NEVER both name ${both.join(', ')}`);
    if (problems.length > 0) throw new ConfigError(problems);
    return { mode: c.TOOL_APPROVAL, always: c.TOOL_APPROVAL_ALWAYS, never: c.TOOL_APPROVAL_NEVER };
  },
);

/**
 * How long a question put to an MCP client (input_required, elicitation) waits for its answer before the pending call
 * declines itself (shared/tools/pending-approval.ts). Read by the MCP servers, which ask.
 */
export const toolApprovalExpirySection = defineSection(
  {
    TOOL_APPROVAL_EXPIRY_MS: z.coerce
      .number()
      .int()
      .min(1000)
      .max(365 * 86_400_000)
      .default(86_400_000),
  },
  (c): number => c.TOOL_APPROVAL_EXPIRY_MS,
);
