/** A run that outlives its first worker: one activity, a wait for a Signal, another activity. */
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';

export interface SwitchActivities {
  /** Records what the workflow drew from its seeded random numbers at that point. */
  record(step: string, drawn: number): Promise<void>;
}

const { record } = proxyActivities<SwitchActivities>({ startToCloseTimeout: '10 seconds' });

export const proceed = defineSignal('proceed');

export async function switchedWorkflow(): Promise<void> {
  let go = false;
  setHandler(proceed, () => void (go = true));
  // Drawn after the RunWorkflow span took its ids: a replay must draw the same number.
  const drawn = Math.random();
  await record('before', drawn);
  await condition(() => go);
  await record('after', drawn);
}
