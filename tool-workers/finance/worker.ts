/**
 * The finance tool worker: runs the finance workflows and activities on their own task queue in the finance
 * namespace. Deployable apart from the MCP server; scale it by running more copies.
 */
import { NativeConnection, Worker, type WorkerPlugin } from '@temporalio/worker';
import type { AppConfig } from '../../shared/config';
import { createFinanceActivities, type FinanceDeps } from './activities';
import { financeWorkflowBundle } from './bundle';
import { createFinanceNexusHandler } from './nexus';
import type { NexusPolicies } from '../../shared/tools/nexus-handlers';
import { createQuoteProvider } from './quotes';
import { workflowSourceOptions } from '../../shared/temporal/workflow-bundle';

export interface FinanceWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  deps: FinanceDeps;
  taskQueue: string;
  /** A prebuilt workflow bundle (tests); otherwise the workflows are bundled at start. */
  workflowBundlePath?: string;
  /** Worker plugins of the process edge (tracing). */
  plugins?: WorkerPlugin[];
  /** Per-caller bounds on what Nexus callers start (`price_alert`), and the approval policy; default: none, tool defaults. */
  nexusLimits?: NexusPolicies;
}

export function createFinanceWorker(opts: FinanceWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    ...(opts.plugins?.length ? { plugins: opts.plugins } : {}),
    activities: createFinanceActivities(opts.deps),
    // The same tools for callers in other namespaces (finance-nexus-endpoint targets this task queue).
    nexusServices: [createFinanceNexusHandler(opts.nexusLimits)],
    ...workflowSourceOptions(financeWorkflowBundle, opts.workflowBundlePath),
  });
}

/**
 * The finance worker as configured (namespace, task queue, quote provider): what `npm run worker:finance` runs, and
 * what the Finance MCP server runs beside itself with `--with-worker`.
 */
export async function createConfiguredFinanceWorker(
  config: Pick<AppConfig, 'temporal' | 'finance' | 'callerLimits' | 'toolApproval'>,
  connection: NativeConnection,
  plugins: WorkerPlugin[] = [],
) {
  const quotes = createQuoteProvider(config.finance);
  const worker = await createFinanceWorker({
    connection,
    namespace: config.temporal.namespaces.finance,
    taskQueue: config.finance.taskQueue,
    plugins,
    deps: { quotes },
    nexusLimits: { longRunning: config.callerLimits.longRunning, approvals: config.toolApproval },
  });
  return {
    worker,
    details: {
      namespace: config.temporal.namespaces.finance,
      taskQueue: config.finance.taskQueue,
      quotes: quotes.name,
    },
    close: async () => undefined,
  };
}
