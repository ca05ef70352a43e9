/**
 * The finance tools, each defined once (see shared/tools/definition.ts). The MCP server registers every tool listed
 * in `financeTools`, the Nexus service offers the same operations, and the orchestrator sees them through either.
 * Adding a tool: its schemas in ./contract.ts, its definition here, added to `financeTools` (docs/add-a-tool.md).
 */
import { defineWorkflowTool, toolNames, workflowsOf } from '../../shared/tools/definition';
import { toolService } from '../../shared/tools/nexus-service';
import { priceAlertInput, priceAlertResult, roiInput, roiResult, stockPriceInput, stockQuote } from './contract';
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
  input: stockPriceInput,
  output: stockQuote,
  annotations: { readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: true },
  workflow: workflow('stockPriceWorkflow'),
  taskMode: 'when-slow',
  summarize: (q) => `${q.symbol}: ${money(q.price)} ${q.currency} as of ${q.as_of}, source: ${q.source}`,
});

export const calculateRoiTool = defineWorkflowTool({
  name: 'calculate_roi',
  title: 'Return on investment',
  description:
    'Compound growth of an investment: final value, gain and ROI percent for a principal, an annual rate ' +
    '(a decimal: 0.05 means 5%) and a number of years, compounded yearly unless told otherwise.',
  input: roiInput,
  output: roiResult,
  annotations: { readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: false },
  workflow: workflow('calculateRoiWorkflow'),
  taskMode: 'when-slow',
  summarize: (r) =>
    `${money(r.principal)} at ${(r.annual_rate * 100).toFixed(2)}% for ${r.years} years, compounded ${r.compounding}: ` +
    `final value ${money(r.final_value)}, gain ${money(r.gain)}, ROI ${r.roi_percent}%`,
});

export const priceAlertTool = defineWorkflowTool({
  name: 'price_alert',
  title: 'Price alert',
  description:
    'Watches a stock price: checks it every check_every_seconds until it rises above (or falls below) the threshold, or ' +
    'watch_minutes have passed, then reports whether it crossed and the last price. Long-running: clients that support ' +
    'MCP tasks get a task to poll (progress in its status message) and can cancel it.',
  input: priceAlertInput,
  output: priceAlertResult,
  // Watching changes nothing outside: a repeated call is another watch, with no further effect on the world. Scopes
  // are another matter: it starts hours of durable work, so it needs tools.write (needsWriteScope, taskMode 'always').
  annotations: { readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: true },
  workflow: workflow('priceAlertWorkflow'),
  taskMode: 'always',
  summarize: (a) =>
    a.triggered
      ? `${a.symbol} is ${a.direction} ${a.threshold}: ${money(a.last_price)} ${a.currency} at ${a.last_checked_at} (after ${a.checks} checks, source: ${a.source})`
      : `${a.symbol} did not go ${a.direction} ${a.threshold} in ${a.checks} checks; last ${money(a.last_price)} ${a.currency} at ${a.last_checked_at} (source: ${a.source})`,
});

export const financeTools = [stockPriceTool, calculateRoiTool, priceAlertTool] as const;
export const financeToolNames = toolNames(financeTools);

/** The same tools as a Nexus service (operations named as the tools), for callers in other namespaces. */
export const financeService = toolService('finance', financeTools);
