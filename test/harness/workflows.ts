import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type * as activities from './activities';

const { describeActivityContext } = proxyActivities<typeof activities>({ startToCloseTimeout: '10 seconds' });

/** Proves the harness: a workflow on the real server that runs a real activity and reports where both ran. */
export async function harnessWorkflow(input: { greeting: string }) {
  const fromActivity = await describeActivityContext(input);
  return { ...fromActivity, workflowNamespace: workflowInfo().namespace };
}
