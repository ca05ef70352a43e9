/**
 * The IT tool worker: runs the session workflows and the lookups on the IT task queue in the IT namespace.
 * Sessions live in Temporal, so workers can be restarted or scaled without losing one.
 */
import { NativeConnection, Worker, type WorkerPlugin } from '@temporalio/worker';
import type { AppConfig } from '../../shared/config';
import { workflowSourceOptions } from '../../shared/temporal/workflow-bundle';
import { createItActivities, type ItDeps } from './activities';
import { itWorkflowBundle } from './bundle';
import { createItNexusHandler, type ItNexusOptions } from './nexus';
import { IpLookup } from './ip/lookup';
import { createJiraProvider } from './jira';

export interface ItWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ItDeps;
  workflowBundlePath?: string;
  /** Worker plugins of the process edge (tracing). */
  plugins?: WorkerPlugin[];
  /** How the Nexus service opens sessions and bounds lookups; defaults as the MCP server's. */
  nexus?: ItNexusOptions;
}

const DEFAULT_NEXUS: ItNexusOptions = { sessionIdleTimeoutMs: 7 * 24 * 3600 * 1000, toolTimeoutMs: 60_000 };

export function createItWorker(opts: ItWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    ...(opts.plugins?.length ? { plugins: opts.plugins } : {}),
    activities: createItActivities(opts.deps),
    // The same tools for callers in other namespaces (it-nexus-endpoint targets this task queue).
    nexusServices: [createItNexusHandler(opts.nexus ?? DEFAULT_NEXUS)],
    ...workflowSourceOptions(itWorkflowBundle, opts.workflowBundlePath),
  });
}

/**
 * The IT worker as configured (namespace, task queue, Jira and IP lookups): what `npm run worker:it` runs, and what
 * the IT MCP server runs beside itself with `--with-worker`. `close` releases the lookups' connections.
 */
export async function createConfiguredItWorker(
  config: Pick<AppConfig, 'temporal' | 'it' | 'callerLimits' | 'toolApproval'>,
  connection: NativeConnection,
  plugins: WorkerPlugin[] = [],
) {
  const ip = new IpLookup({ url: config.it.ipLookupUrl, timeoutMs: config.it.ipLookupTimeoutMs });
  const jira = createJiraProvider(config.it);
  const close = async () => {
    await ip.close();
    await jira.close?.();
  };
  try {
    const worker = await createItWorker({
      connection,
      namespace: config.temporal.namespaces.it,
      taskQueue: config.it.taskQueue,
      plugins,
      deps: { jira, ip },
      nexus: {
        ...DEFAULT_NEXUS,
        sessionIdleTimeoutMs: config.it.sessionIdleTimeoutMs,
        limits: { itSessions: config.callerLimits.itSessions, longRunning: config.callerLimits.longRunning },
        approvals: config.toolApproval,
      },
    });
    return {
      worker,
      details: {
        namespace: config.temporal.namespaces.it,
        taskQueue: config.it.taskQueue,
        jira: jira.name,
        ipLookup: config.it.ipLookupUrl ?? 'local interface',
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
