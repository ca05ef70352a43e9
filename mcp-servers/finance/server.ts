/**
 * The Finance MCP server: `stock_price` and `calculate_roi`, each call one Temporal workflow. Stateless: a fresh
 * server per HTTP request costs little, and any number of replicas can serve.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { roiInput, roiOutput, stockPriceInput, stockQuoteOutput, type RoiResult, type StockQuote } from '../../tool-workers/finance/shared';
import { describeFailure } from '../../shared/temporal/failures';
import { structuredResult, toolError } from '../shared/tool-results';
import { answerUnknownToolsWithProtocolError } from '../shared/unknown-tool-error';
import { IDEMPOTENCY_META_KEY, IdempotencyConflict, callerOf, validateIdempotencyKey, type ToolWorkflowRunner } from '../shared/tool-workflows';

export const financeServerInfo = { name: 'finance-mcp', title: 'Finance tools (Temporal-backed)', version: '0.1.0' };
export const financeToolNames = ['stock_price', 'calculate_roi'] as const;

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export interface FinanceServerDeps {
  workflows: ToolWorkflowRunner;
}

const money = (x: number) => x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function createFinanceServer({ workflows }: FinanceServerDeps): McpServer {
  const server = new McpServer(financeServerInfo, {
    instructions: 'Stock quotes and investment growth. Each call runs as a durable Temporal workflow; pass _meta.idempotencyKey to make a call safe to repeat.',
  });

  async function runTool<R extends Record<string, unknown>>(
    tool: string,
    workflowType: string,
    args: object,
    extra: Extra,
    summarize: (r: R) => string,
  ): Promise<CallToolResult> {
    try {
      const key = validateIdempotencyKey(extra._meta?.[IDEMPOTENCY_META_KEY]);
      const result = await workflows.run<R>(tool, workflowType, args, key, callerOf(extra));
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
      // Strict: an unknown argument is refused by name rather than silently dropped.
      inputSchema: z.strictObject(stockPriceInput),
      outputSchema: stockQuoteOutput,
      annotations: { readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: true },
    },
    (args, extra) =>
      runTool<StockQuote>('stock_price', 'stockPriceWorkflow', args, extra, (q) =>
        `${q.symbol}: ${money(q.price)} ${q.currency} as of ${q.as_of}, source: ${q.source}`,
      ),
  );

  server.registerTool(
    'calculate_roi',
    {
      title: 'Return on investment',
      description:
        'Compound growth of an investment: final value, gain and ROI percent for a principal, an annual rate ' +
        '(a decimal: 0.05 means 5%) and a number of years, compounded yearly unless told otherwise.',
      inputSchema: z.strictObject(roiInput),
      outputSchema: roiOutput,
      annotations: { readOnlyHint: true, idempotentHint: true, destructiveHint: false, openWorldHint: false },
    },
    (args, extra) =>
      runTool<RoiResult>('calculate_roi', 'calculateRoiWorkflow', args, extra, (r) =>
        `${money(r.principal)} at ${(r.annual_rate * 100).toFixed(2)}% for ${r.years} years, compounded ${r.compounding}: ` +
        `final value ${money(r.final_value)}, gain ${money(r.gain)}, ROI ${r.roi_percent}%`,
      ),
  );

  answerUnknownToolsWithProtocolError(server, financeToolNames);
  return server;
}
