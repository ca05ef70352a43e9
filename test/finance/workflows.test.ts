/** The finance workflows on their own: started by any Temporal client, not only through MCP. */
import { WorkflowFailedError, ApplicationFailure } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compoundGrowth } from '../../tool-workers/finance/roi';
import { calculateRoiTool } from '../../tool-workers/finance/tools';
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
    // computeRoi is a local activity: its failure is the workflow's cause as it is, with no ActivityFailure around it.
    const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause.type).toBe('InvalidInput');
    expect(cause.nonRetryable).toBe(true);
    expect(cause.message).toBe('principal: principal must be greater than 0');
    // One local activity, tried once: its marker records the attempt.
    const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
    const attempts = history.events!.flatMap((e) => {
      const marker = e.markerRecordedEventAttributes;
      if (marker?.markerName !== 'core_local_activity') return [];
      const data = marker.details?.data?.payloads?.[0]?.data;
      return [(JSON.parse(Buffer.from(data!).toString('utf8')) as { attempt: number }).attempt];
    });
    expect(attempts).toEqual([1]);
    expect(history.events!.filter((e) => e.activityTaskScheduledEventAttributes)).toHaveLength(0);
  });

  it('refuses an argument the tool does not have, as MCP and Nexus refuse it with the tool definition as its schema', async () => {
    const run = stack.client.workflow.execute<typeof calculateRoiWorkflow>('calculateRoiWorkflow', {
      taskQueue: stack.taskQueue,
      workflowId: `roi-extra-key-${Date.now()}`,
      args: [{ principal: 1000, annual_rate: 0.05, years: 10, ...{ extra: 1 } }],
    });
    const cause = ((await run.catch((e: unknown) => e)) as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe('InvalidInput');
    expect(cause.nonRetryable).toBe(true);
    expect(cause.message).toMatch(/^input: Unrecognized key: "extra"/);
    expect(calculateRoiTool.input.safeParse({ principal: 1000, annual_rate: 0.05, years: 10, extra: 1 }).success).toBe(
      false,
    );
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
    expect(compoundGrowth({ principal: 1000, annual_rate: -0.1, years: 2, compounding: 'yearly' })).toMatchObject({
      final_value: 810,
      gain: -190,
      roi_percent: -19,
    });
    expect(compoundGrowth({ principal: 1000, annual_rate: 0.1, years: 0.5, compounding: 'yearly' }).final_value).toBe(
      1048.81,
    );
  });
});
