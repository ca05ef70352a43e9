/**
 * One short workflow per finance tool call. The workflow only runs the activity (a local one for calculate_roi,
 * below), with explicit timeouts and a bounded retry policy; activities mark invalid input and unknown symbols
 * non-retryable.
 */
import { patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { FinanceActivities } from './activities';
import type { RoiInput, RoiResult, StockPriceInput, StockQuote } from './shared';

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
 * `npm run bench`, see the README). fetchStockQuote does I/O (up to seconds, with backoff between retries) and stays a
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
