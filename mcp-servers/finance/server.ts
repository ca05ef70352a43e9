/**
 * The Finance MCP server: `stock_price` and `calculate_roi`, each call one Temporal workflow. Stateless: a fresh
 * server per HTTP request costs little, and any number of replicas can serve.
 */
import { McpServer, type CallToolResult, type ServerContext } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { roiInput, roiOutput, stockPriceInput, stockQuoteOutput } from '../../tool-workers/finance/shared';
import { calculateRoiWorkflow, stockPriceWorkflow } from '../../tool-workers/finance/workflows';
import { describeFailure } from '../../shared/temporal/failures';
import { callerOf } from '../shared/caller';
import { LIST_CACHE_HINTS } from '../shared/list-cache';
import { toolSchema } from '../shared/schemas';
import { structuredResult, toolError } from '../shared/tool-results';
import { IDEMPOTENCY_META_KEY, IdempotencyConflict, validateIdempotencyKey, type ToolWorkflowRunner } from '../shared/tool-workflows';

export const financeServerInfo = { name: 'finance-mcp', title: 'Finance tools (Temporal-backed)', version: '0.2.0' };
export const financeToolNames = ['stock_price', 'calculate_roi'] as const;

export interface FinanceServerDeps {
  workflows: ToolWorkflowRunner;
}

// Built once per process (see ../shared/schemas.ts). Strict: an unknown argument is refused by name, not dropped.
const stockPriceArgs = toolSchema(z.strictObject(stockPriceInput));
const stockQuoteResult = toolSchema(z.object(stockQuoteOutput));
const roiArgs = toolSchema(z.strictObject(roiInput));
const roiResult = toolSchema(z.object(roiOutput));

// One formatter per process: `toLocaleString` builds a new one per call (~50 µs each, 3 per ROI summary).
const moneyFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const money = (x: number) => moneyFormat.format(x);

export function createFinanceServer({ workflows }: FinanceServerDeps): McpServer {
  const server = new McpServer(financeServerInfo, {
    instructions: 'Stock quotes and investment growth. Each call runs as a durable Temporal workflow; pass _meta.idempotencyKey to make a call safe to repeat.',
    cacheHints: LIST_CACHE_HINTS,
  });

  /** One tool call: validate the key, run the workflow in the caller's scope, answer a failure as a tool error. */
  async function call<W extends typeof stockPriceWorkflow | typeof calculateRoiWorkflow>(
    tool: (typeof financeToolNames)[number],
    workflow: W,
    args: Parameters<W>[0],
    ctx: ServerContext,
    summarize: (r: Awaited<ReturnType<W>>) => string,
  ): Promise<CallToolResult> {
    try {
      const key = validateIdempotencyKey(ctx.mcpReq._meta?.[IDEMPOTENCY_META_KEY]);
      const result = await workflows.run(tool, workflow, args, key, callerOf(ctx));
      return structuredResult(result, summarize(result));
    } catch (err) {
      if (err instanceof IdempotencyConflict) return toolError(err.message);
      return toolError(`${tool} failed: ${describeFailure(err)}`);
    }
  }

  server.registerTool(
    'stock_price',
    {
      title: 'Stock price',
      description:
        'Latest price of a stock ticker, with its currency, the time it was observed and its source. ' +
        'The source says "sample data" when the server runs on its offline dataset.',
      inputSchema: stockPriceArgs,
      outputSchema: stockQuoteResult,
      annotations: { readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: true },
    },
    (args, ctx) =>
      call('stock_price', stockPriceWorkflow, args, ctx, (q) => `${q.symbol}: ${money(q.price)} ${q.currency} as of ${q.as_of}, source: ${q.source}`),
  );

  server.registerTool(
    'calculate_roi',
    {
      title: 'Return on investment',
      description:
        'Compound growth of an investment: final value, gain and ROI percent for a principal, an annual rate ' +
        '(a decimal: 0.05 means 5%) and a number of years, compounded yearly unless told otherwise.',
      inputSchema: roiArgs,
      outputSchema: roiResult,
      annotations: { readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: false },
    },
    (args, ctx) =>
      call(
        'calculate_roi',
        calculateRoiWorkflow,
        args,
        ctx,
        (r) =>
          `${money(r.principal)} at ${(r.annual_rate * 100).toFixed(2)}% for ${r.years} years, compounded ${r.compounding}: ` +
          `final value ${money(r.final_value)}, gain ${money(r.gain)}, ROI ${r.roi_percent}%`,
      ),
  );

  return server;
}
