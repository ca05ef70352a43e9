/**
 * The orchestrator worker: conversation workflows of both agent loops (conversationWorkflow and
 * manualConversationWorkflow, one bundle), the model activity (through the OpenAI Agents plugin), the manual loop's
 * planning activity and the tool activities, on their own task queue. Scale it by running more copies; conversations
 * survive any of them dying.
 */
import { NativeConnection, Worker, type WorkerPlugin } from '@temporalio/worker';
import type { OpenAIAgentsPlugin } from '@temporalio/openai-agents';
import { workflowSourceOptions } from '../shared/temporal/workflow-bundle';
import { createOrchestratorActivities, type OrchestratorDeps } from './activities';
import { orchestratorWorkflowBundle } from './bundle';
import { IsolatedCalculator } from './tools/isolated-calculator';

export interface OrchestratorWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: OrchestratorDeps;
  plugin: OpenAIAgentsPlugin;
  /** Worker plugins of the process edge (tracing: shared/telemetry). */
  telemetryPlugins?: WorkerPlugin[];
  /** A prebuilt workflow bundle (tests); otherwise the workflows are bundled at start. */
  workflowBundlePath?: string;
  /** Test hook: 0 disables the workflow cache, so every workflow task replays the history from the start. */
  maxCachedWorkflows?: number;
}

export function createOrchestratorWorker(opts: OrchestratorWorkerOptions): Promise<Worker> {
  const calculator = new IsolatedCalculator();
  // The calculator's thread runs while the worker does: started warm, closed when the worker stops.
  const calculatorThread: WorkerPlugin = {
    name: 'calculator-thread',
    async runWorker(worker, next) {
      calculator.start();
      try {
        await next(worker);
      } finally {
        await calculator.close();
      }
    },
  };
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: createOrchestratorActivities({ ...opts.deps, calculator }),
    plugins: [opts.plugin, ...(opts.telemetryPlugins ?? []), calculatorThread],
    ...workflowSourceOptions(orchestratorWorkflowBundle, opts.workflowBundlePath),
    ...(opts.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: opts.maxCachedWorkflows } : {}),
  });
}
