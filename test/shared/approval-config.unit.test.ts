/**
 * The approval policy's settings (issue 27, part 2): each tool's default, the operator's override in the spirit of
 * the seeds' `require_approval` (always, never, lists of names), and a clear refusal at start for a name no tool has.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseSections, projectRoot, toolApprovalSection } from '../../shared/config';
import { serviceReads } from '../../shared/launcher/services';
import { approvalRefusal, needsApproval, type ApprovalPolicy } from '../../shared/tools/approval';
import { financeTools } from '../../tool-workers/finance/tools';
import { createJiraIssueTool, itTools } from '../../tool-workers/it/tools';

const parse = (env: Record<string, string>) => toolApprovalSection.parse(env, () => undefined);
const tools = [...financeTools, ...itTools];
const needing = (policy: ApprovalPolicy) => tools.filter((t) => needsApproval(t, policy)).map((t) => t.name);

describe('approval policy settings', () => {
  it('by default only create_jira_issue needs approval', () => {
    expect(needing(parse({}))).toEqual(['create_jira_issue']);
  });

  it('TOOL_APPROVAL=always|never sets every tool; the lists win over it, per tool', () => {
    expect(needing(parse({ TOOL_APPROVAL: 'always' }))).toEqual(tools.map((t) => t.name));
    expect(needing(parse({ TOOL_APPROVAL: 'never' }))).toEqual([]);
    expect(needing(parse({ TOOL_APPROVAL_NEVER: 'create_jira_issue' }))).toEqual([]);
    expect(needing(parse({ TOOL_APPROVAL: 'never', TOOL_APPROVAL_ALWAYS: ' stock_price , track_ip' }))).toEqual([
      'stock_price',
      'track_ip',
    ]);
    expect(needing(parse({ TOOL_APPROVAL: 'always', TOOL_APPROVAL_NEVER: 'get_ip' }))).not.toContain('get_ip');
  });

  it('refuses a tool name no tool has, listing the known ones, and a name in both lists', () => {
    expect(() => parse({ TOOL_APPROVAL_NEVER: 'create_jira_isue' })).toThrowError(ConfigError);
    expect(() => parse({ TOOL_APPROVAL_NEVER: 'create_jira_isue' })).toThrowError(
      `TOOL_APPROVAL_NEVER: unknown tool create_jira_isue; the tools are ${tools.map((t) => t.name).join(', ')}`,
    );
    expect(() => parse({ TOOL_APPROVAL_ALWAYS: 'get_ip', TOOL_APPROVAL_NEVER: 'get_ip' })).toThrowError(
      'TOOL_APPROVAL_ALWAYS and TOOL_APPROVAL_NEVER both name get_ip',
    );
    expect(() => parse({ TOOL_APPROVAL: 'sometimes' })).toThrowError(/TOOL_APPROVAL/);
  });

  it('the refusal names the policy and how to change it', () => {
    expect(approvalRefusal(createJiraIssueTool, parse({}))).toBe(
      "create_jira_issue was not run: the approval policy requires a person's approval for it (create_jira_issue " +
        'needs approval by default), and this call cannot be asked for one. Nothing was done. The operator can let it ' +
        "run without approval with TOOL_APPROVAL_NEVER=create_jira_issue (or TOOL_APPROVAL=never) in the tool servers' " +
        "and workers' config.",
    );
  });

  it('every process that runs tool calls reads it, and only those', () => {
    for (const [service, reads] of Object.entries(serviceReads)) {
      const runsTools = ['worker:finance', 'worker:it', 'mcp:finance', 'mcp:it'].includes(service);
      expect('toolApproval' in reads, service).toBe(runsTools);
    }
    const { toolApproval } = parseSections({ TOOL_APPROVAL: 'never' }, serviceReads['mcp:it']) as unknown as {
      toolApproval: ApprovalPolicy;
    };
    expect(toolApproval.mode).toBe('never');
  });

  it('a worker given an unknown tool name stops at start with one line naming it', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'tool-workers/it/main.ts'], {
      cwd: projectRoot,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ENV_FILE: '/nonexistent',
        TOOL_APPROVAL_NEVER: 'file_jira_issue',
      },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^worker:it: Invalid configuration: TOOL_APPROVAL_NEVER: unknown tool file_jira_issue; the tools are .*create_jira_issue/,
      ),
    ]);
  });
});
