/**
 * The IT tool worker: runs the session workflows and the lookups on the IT task queue in the IT namespace.
 * Sessions live in Temporal, so workers can be restarted or scaled without losing one.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { workflowSourceOptions } from '../../shared/temporal/workflow-bundle';
import { createItActivities, type ItDeps } from './activities';
import { itWorkflowBundle } from './bundle';

export interface ItWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ItDeps;
  workflowBundlePath?: string;
}

export function createItWorker(opts: ItWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: createItActivities(opts.deps),
    ...workflowSourceOptions(itWorkflowBundle, opts.workflowBundlePath),
  });
}
