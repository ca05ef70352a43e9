/** The finance workflows on their own: started by any Temporal client, not only through MCP. */
import { WorkflowFailedError, ActivityFailure, ApplicationFailure } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compoundGrowth } from '../../tool-workers/finance/roi';
import type { calculateRoiWorkflow } from '../../tool-workers/finance/workflows';
import { startFinanceStack, type FinanceStack } from '../support/finance-stack';

let stack: FinanceStack;
beforeAll(async () => {
  stack = await startFinanceStack();
});
afterAll(() => stack?.close());

describe('finance workflows', () => {
  it('invalid input fails fast: a non-retryable failure after a single attempt', async () => {
    const workflowId = `roi-invalid-${Date.now()}`;
    const run = stack.client.workflow.execute<typeof calculateRoiWorkflow>('calculateRoiWorkflow', {
      taskQueue: stack.taskQueue,
      workflowId,
      args: [{ principal: -1, annual_rate: 0.05, years: 10 }],
    });
    const err = await run.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const activityFailure = (err as WorkflowFailedError).cause as ActivityFailure;
    expect(activityFailure).toBeInstanceOf(ActivityFailure);
    const cause = activityFailure.cause as ApplicationFailure;
    expect(cause.type).toBe('InvalidInput');
    expect(cause.nonRetryable).toBe(true);
    expect(cause.message).toBe('principal: principal must be greater than 0');
    const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
    const started = history.events!.filter((e) => e.activityTaskStartedEventAttributes);
    expect(started).toHaveLength(1);
    expect(started[0]!.activityTaskStartedEventAttributes!.attempt).toBe(1);
  });
});

describe('compound growth', () => {
  it.each([
    ['yearly', 16288.95],
    ['semiannually', 16386.16],
    ['quarterly', 16436.19],
    ['monthly', 16470.09],
    ['daily', 16486.65],
    ['continuously', 16487.21],
  ] as const)('$10,000 at 5%% for 10 years, %s: %d', (compounding, expected) => {
    expect(compoundGrowth({ principal: 10000, annual_rate: 0.05, years: 10, compounding }).final_value).toBe(expected);
  });

  it('handles losses and fractional years', () => {
    expect(compoundGrowth({ principal: 1000, annual_rate: -0.1, years: 2, compounding: 'yearly' })).toMatchObject({ final_value: 810, gain: -190, roi_percent: -19 });
    expect(compoundGrowth({ principal: 1000, annual_rate: 0.1, years: 0.5, compounding: 'yearly' }).final_value).toBe(1048.81);
  });
});
