/**
 * From a trace to the workflow's history: the client span of every call that starts or messages a workflow
 * (StartWorkflow, SignalWithStartWorkflow, SignalWorkflow, StartWorkflowUpdate, UpdateWithStartWorkflow) gets the
 * workflow's namespace, id, run id when known, and its page in the Temporal Web UI.
 *
 * The span is the one `OpenTelemetryWorkflowClientInterceptor` opens: this interceptor must come after it in the
 * client's list. The SDK composes the list outside-in (the first interceptor wraps the others), so ours runs inside
 * that span's active context and writes to it, not to the caller's span.
 *
 * OpenTelemetry has no semantic conventions for Temporal (a generic `workflow.*` registry is only a proposal), so
 * the names are this project's, under `temporal.`. The ids are those the SDK's span already carries
 * (`temporalWorkflowId`, `run_id`): the link adds no new value to a trace, only a way to the history.
 */
import { trace } from '@opentelemetry/api';
import type {
  Next,
  WorkflowClientInterceptor,
  WorkflowSignalInput,
  WorkflowSignalWithStartInput,
  WorkflowStartInput,
  WorkflowStartOutput,
  WorkflowStartUpdateInput,
  WorkflowStartUpdateOutput,
  WorkflowStartUpdateWithStartInput,
  WorkflowStartUpdateWithStartOutput,
} from '@temporalio/client';
import { workflowWebUiLink } from '../temporal/web-ui';

export const WORKFLOW_NAMESPACE_ATTR = 'temporal.namespace';
export const WORKFLOW_ID_ATTR = 'temporal.workflow.id';
export const WORKFLOW_RUN_ID_ATTR = 'temporal.run.id';
export const WORKFLOW_URL_ATTR = 'temporal.workflow.url';

/** What a client's spans link to. */
export interface WorkflowLinkTarget {
  /** The client's namespace: Temporal's client interceptors are not told it. */
  namespace: string;
  /** The Web UI's base URL (shared/temporal/web-ui.ts `configuredWebUi`); undefined: no link, the ids only. */
  webUi?: string;
}

export class WorkflowLinkInterceptor implements WorkflowClientInterceptor {
  constructor(private readonly target: WorkflowLinkTarget) {}

  /**
   * Before the call (a failed start still leads to the workflow that refused it) and again once the run id is known,
   * when the link narrows to that run's history.
   */
  private mark(workflowId: string, runId?: string): void {
    const span = trace.getActiveSpan();
    if (!span) return;
    const { namespace, webUi } = this.target;
    span.setAttributes({
      [WORKFLOW_NAMESPACE_ATTR]: namespace,
      [WORKFLOW_ID_ATTR]: workflowId,
      ...(runId ? { [WORKFLOW_RUN_ID_ATTR]: runId } : {}),
      ...(webUi ? { [WORKFLOW_URL_ATTR]: workflowWebUiLink(webUi, namespace, workflowId, runId) } : {}),
    });
  }

  /** Marks the span before the call (so a refused one still links) and again once the call names the run. */
  private async around<T>(
    workflowId: string,
    knownRunId: string | undefined,
    call: () => Promise<T>,
    runIdOf: (output: T) => string | undefined,
  ): Promise<T> {
    this.mark(workflowId, knownRunId);
    const output = await call();
    this.mark(workflowId, runIdOf(output) ?? knownRunId);
    return output;
  }

  startWithDetails(
    input: WorkflowStartInput,
    next: Next<WorkflowClientInterceptor, 'startWithDetails'>,
  ): Promise<WorkflowStartOutput> {
    return this.around(
      input.options.workflowId,
      undefined,
      () => next(input),
      (o) => o.runId,
    );
  }

  signalWithStart(
    input: WorkflowSignalWithStartInput,
    next: Next<WorkflowClientInterceptor, 'signalWithStart'>,
  ): Promise<string> {
    return this.around(
      input.options.workflowId,
      undefined,
      () => next(input),
      (runId) => runId,
    );
  }

  signal(input: WorkflowSignalInput, next: Next<WorkflowClientInterceptor, 'signal'>): Promise<void> {
    const { workflowId, runId } = input.workflowExecution;
    return this.around(
      workflowId,
      runId,
      () => next(input),
      () => undefined,
    );
  }

  startUpdate(
    input: WorkflowStartUpdateInput,
    next: Next<WorkflowClientInterceptor, 'startUpdate'>,
  ): Promise<WorkflowStartUpdateOutput> {
    const { workflowId, runId } = input.workflowExecution;
    return this.around(
      workflowId,
      runId,
      () => next(input),
      (o) => o.workflowRunId,
    );
  }

  startUpdateWithStart(
    input: WorkflowStartUpdateWithStartInput,
    next: Next<WorkflowClientInterceptor, 'startUpdateWithStart'>,
  ): Promise<WorkflowStartUpdateWithStartOutput> {
    return this.around(
      input.workflowStartOptions.workflowId,
      undefined,
      () => next(input),
      (o) => o.workflowExecution.runId,
    );
  }
}
