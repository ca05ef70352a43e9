/** What shared/telemetry hands a process, and what its settings say: apart, so ./index and ./sdk both use them. */
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { WorkerPlugin } from '@temporalio/worker';
import type { WorkflowLinkTarget } from './workflow-links';

export interface Telemetry {
  enabled: boolean;
  /**
   * For every Temporal Client of the process: Start/Signal/Update/Query spans, context into the headers, and on the
   * spans that start or message a workflow, its ids and Web UI link (./workflow-links.ts) in the client's namespace.
   */
  temporalClientInterceptors(target: WorkflowLinkTarget): WorkflowClientInterceptor[];
  /** For every Worker of the process: workflow (through sinks, never during replay), activity and Nexus spans. */
  temporalWorkerPlugins: WorkerPlugin[];
  /** Flushes what is buffered and stops; call before the process exits. */
  shutdown(): Promise<void>;
}

export interface TelemetrySettings {
  metrics: boolean;
  metricIntervalMs: number;
  /** Tool arguments and results on `tools/call` spans (redacted); present only when turned on. */
  captureToolContent?: boolean;
}
