/**
 * One short workflow per finance tool call. The workflow only schedules the activity, with explicit timeouts and a
 * bounded retry policy; activities mark invalid input and unknown symbols non-retryable.
 */
import { proxyActivities } from '@temporalio/workflow';
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

export async function stockPriceWorkflow(input: StockPriceInput): Promise<StockQuote> {
  return fetchStockQuote(input);
}

export async function calculateRoiWorkflow(input: RoiInput): Promise<RoiResult> {
  return computeRoi(input);
}
