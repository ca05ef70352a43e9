/**
 * One short workflow per finance tool call. The workflow only runs the activity (a local one for calculate_roi,
 * below), with explicit timeouts and a bounded retry policy; activities mark invalid input and unknown symbols
 * non-retryable.
 */
import { patched, proxyActivities, proxyLocalActivities, setHandler, sleep } from '@temporalio/workflow';
import { taskProgressQuery, type TaskProgress } from '../../shared/tools/task-progress';
import type { FinanceActivities } from './activities';
import type { PriceAlertInput, PriceAlertResult, RoiInput, RoiResult, StockPriceInput, StockQuote } from './contract';

const retry = {
  initialInterval: '500 milliseconds',
  backoffCoefficient: 2,
  maximumInterval: '5 seconds',
  maximumAttempts: 3,
};

const { fetchStockQuote } = proxyActivities<FinanceActivities>({
  // The provider has its own (shorter) timeout; this bounds a stuck activity.
  startToCloseTimeout: '15 seconds',
  scheduleToCloseTimeout: '45 seconds',
  retry,
});

const { computeRoi } = proxyActivities<FinanceActivities>({
  startToCloseTimeout: '5 seconds',
  retry,
});

/**
 * computeRoi is pure arithmetic (microseconds, no I/O): as a local activity it runs inside the workflow task that
 * asks for it, so a call is one workflow task instead of workflow task, activity task and workflow task (measured in
 * `npm run bench`, see docs/benchmarks.md). fetchStockQuote does I/O (up to seconds, with backoff between retries) and stays a
 * scheduled activity: as a local one it would hold its workflow task that long, and its retries could not move to
 * another worker.
 */
const local = proxyLocalActivities<FinanceActivities>({
  startToCloseTimeout: '5 seconds',
  retry,
});

/** Runs started before computeRoi became a local activity replay their scheduled one. */
const ROI_LOCAL_ACTIVITY_PATCH = 'roi-local-activity';

export async function stockPriceWorkflow(input: StockPriceInput): Promise<StockQuote> {
  return fetchStockQuote(input);
}

export async function calculateRoiWorkflow(input: RoiInput): Promise<RoiResult> {
  return patched(ROI_LOCAL_ACTIVITY_PATCH) ? local.computeRoi(input) : computeRoi(input);
}

/**
 * price_alert: a durable watch. Each check is one quote activity, the wait between checks a Temporal timer, so the
 * watch survives restarts of the worker and of the MCP server, and cancelling the workflow stops the timer and the
 * activity in flight. Ends when the price crosses the threshold or when the watch time is up.
 */
export async function priceAlertWorkflow(input: PriceAlertInput): Promise<PriceAlertResult> {
  const symbol = input.symbol.trim().toUpperCase();
  const direction = input.direction;
  const everyMs = (input.check_every_seconds ?? 60) * 1000;
  const watchMs = (input.watch_minutes ?? 60) * 60_000;
  const endsAt = Date.now() + watchMs; // workflow time: deterministic on replay
  const total = Math.floor(watchMs / everyMs) + 1;
  let progress: TaskProgress = {
    message: `Watching ${symbol} for a price ${direction} ${input.threshold}: first check pending`,
    progress: 0,
    total,
    updatedAt: new Date().toISOString(),
  };
  setHandler(taskProgressQuery, () => progress);

  for (let checks = 1; ; checks++) {
    const quote = await fetchStockQuote({ symbol });
    const triggered = direction === 'above' ? quote.price >= input.threshold : quote.price <= input.threshold;
    const result: PriceAlertResult = {
      symbol: quote.symbol,
      direction,
      threshold: input.threshold,
      triggered,
      last_price: quote.price,
      currency: quote.currency,
      last_checked_at: quote.as_of,
      checks,
      source: quote.source,
    };
    progress = {
      message: `${checks} check${checks === 1 ? '' : 's'} of ${symbol}: last ${quote.price} ${quote.currency} (${direction} ${input.threshold} ${triggered ? 'reached' : 'not yet'})`,
      progress: checks,
      total,
      updatedAt: new Date().toISOString(),
    };
    const left = endsAt - Date.now();
    if (triggered || left <= 0) return result;
    await sleep(Math.min(everyMs, left));
  }
}

/** The durable pending call of a tool call that waits for approval over MCP (shared/tools/pending-approval.ts). */
export { pendingApprovalWorkflow } from '../../shared/tools/pending-approval-workflow';
