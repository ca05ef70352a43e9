/**
 * The finance tools, each defined once (see shared/tools/definition.ts). The MCP server registers every tool listed
 * in `financeTools`, the Nexus service offers the same operations, and the orchestrator sees them through either.
 * Adding a tool: define it here, add it to `financeTools`, and write its workflow (README, "Add a tool").
 */
import { z } from 'zod';
import { defineWorkflowTool, toolNames, workflowsOf } from '../../shared/tools/definition';
import { roiInput, roiOutput, stockPriceInput, stockQuoteOutput } from './shared';
import type * as workflows from './workflows';

const workflow = workflowsOf<typeof workflows>();

// One formatter per process: `toLocaleString` builds a new one per call (~50 µs each, 3 per ROI summary).
const moneyFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const money = (x: number) => moneyFormat.format(x);

export const stockPriceTool = defineWorkflowTool({
  name: 'stock_price',
  title: 'Stock price',
  description:
    'Latest price of a stock ticker, with its currency, the time it was observed and its source. ' +
    'The source says "sample data" when the server runs on its offline dataset.',
  input: z.strictObject(stockPriceInput),
  output: z.object(stockQuoteOutput),
  annotations: { readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: true },
  workflow: workflow('stockPriceWorkflow'),
  summarize: (q) => `${q.symbol}: ${money(q.price)} ${q.currency} as of ${q.as_of}, source: ${q.source}`,
});

export const calculateRoiTool = defineWorkflowTool({
  name: 'calculate_roi',
  title: 'Return on investment',
  description:
    'Compound growth of an investment: final value, gain and ROI percent for a principal, an annual rate ' +
    '(a decimal: 0.05 means 5%) and a number of years, compounded yearly unless told otherwise.',
  input: z.strictObject(roiInput),
  output: z.object(roiOutput),
  annotations: { readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: false },
  workflow: workflow('calculateRoiWorkflow'),
  summarize: (r) =>
    `${money(r.principal)} at ${(r.annual_rate * 100).toFixed(2)}% for ${r.years} years, compounded ${r.compounding}: ` +
    `final value ${money(r.final_value)}, gain ${money(r.gain)}, ROI ${r.roi_percent}%`,
});

export const financeTools = [stockPriceTool, calculateRoiTool] as const;
export const financeToolNames = toolNames(financeTools);
