/**
 * docs/add-a-tool.md, "A tool that reuses a workflow": one new definition, and nothing else, makes a tool appear in
 * tools/list (with the definition's metadata and schemas, after every defined tool) and work in tools/call, through
 * the real server, worker and Temporal. No tool is named by hand but the new one: the list is the definitions'.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineWorkflowTool, workflowsOf } from '../../shared/tools/definition';
import { financeToolNames, financeTools } from '../../tool-workers/finance/tools';
import type * as workflows from '../../tool-workers/finance/workflows';
import { keyedWorkflowId } from '../../shared/tools/workflow-runner';
import { connectModernClient, type ModernClient } from '../support/mcp-client';
import { startFinanceStack, type FinanceStack } from '../support/finance-stack';

const investmentValue = defineWorkflowTool({
  name: 'investment_value',
  title: 'Investment value',
  description: 'What an investment is worth after some years at a yearly rate, compounded yearly.',
  input: z.strictObject({
    principal: z.number().positive().describe('Amount invested today'),
    annual_rate: z.number().min(0).max(1).describe('Yearly rate as a decimal, 0.04 means 4%'),
    years: z.number().positive().max(50).describe('How many years'),
  }),
  output: z.object({ final_value: z.number().describe('Value at the end'), gain: z.number().describe('Growth') }),
  annotations: { readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: false },
  workflow: workflowsOf<typeof workflows>()('calculateRoiWorkflow'),
  summarize: (r) => `worth ${r.final_value.toFixed(2)} (gain ${r.gain.toFixed(2)})`,
});

let stack: FinanceStack;
let client: ModernClient;

beforeAll(async () => {
  stack = await startFinanceStack({ tools: [...financeTools, investmentValue] });
  client = await connectModernClient(stack.url);
});
afterAll(async () => {
  await client?.close();
  await stack?.close();
});

describe('adding a tool is one definition', () => {
  it('lists the new tool with exactly its definition', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual([...financeToolNames, investmentValue.name]);
    const listed = tools.find((t) => t.name === 'investment_value')!;
    expect(listed.title).toBe(investmentValue.title);
    expect(listed.description).toBe(investmentValue.description);
    expect(listed.annotations).toMatchObject(investmentValue.annotations);
    expect(Object.keys(listed.inputSchema.properties ?? {})).toEqual(['principal', 'annual_rate', 'years']);
    expect(listed.inputSchema.additionalProperties).toBe(false);
    expect(Object.keys(listed.outputSchema?.properties ?? {})).toEqual(['final_value', 'gain']);
  });

  it('runs the new tool as one workflow of its own name, through the real worker', async () => {
    const key = 'add-a-tool-1';
    const result = await client.callTool({
      name: 'investment_value',
      arguments: { principal: 1000, annual_rate: 0.1, years: 2 },
      _meta: { idempotencyKey: key },
    });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ final_value: 1210, gain: 210 });
    expect((result.content as { text: string }[])[0]!.text).toMatch(/^worth 1210\.00 \(gain 210\.00\)/);
    const { memo, type } = await stack.client.workflow
      .getHandle(keyedWorkflowId('investment_value', undefined, key))
      .describe();
    expect(type).toBe('calculateRoiWorkflow');
    expect(memo?.tool).toBe('investment_value');
  });

  it("validates the new tool's input with its own schema", async () => {
    const result = await client.callTool({
      name: 'investment_value',
      arguments: { principal: 1000, annual_rate: 0.1, years: 2, extra: 1 },
    });
    expect(result.isError).toBe(true);
    expect((result.content as { text: string }[])[0]!.text).toMatch(/extra/);
  });
});
