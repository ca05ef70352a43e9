/**
 * The finance tool worker: runs the finance workflows and activities on their own task queue in the finance
 * namespace. Deployable apart from the MCP server; scale it by running more copies.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { createFinanceActivities, type FinanceDeps } from './activities';
import { financeWorkflowBundle } from './bundle';
import { workflowSourceOptions } from '../../shared/temporal/workflow-bundle';

export interface FinanceWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  deps: FinanceDeps;
  taskQueue: string;
  /** A prebuilt workflow bundle (tests); otherwise the workflows are bundled at start. */
  workflowBundlePath?: string;
}

export function createFinanceWorker(opts: FinanceWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: createFinanceActivities(opts.deps),
    ...workflowSourceOptions(financeWorkflowBundle, opts.workflowBundlePath),
  });
}
