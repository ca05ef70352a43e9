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
  /** The Web UI's base URL (shared/temporal/web-ui.ts `temporalWebUi`); undefined: no link, the ids only. */
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

  async startWithDetails(
    input: WorkflowStartInput,
    next: Next<WorkflowClientInterceptor, 'startWithDetails'>,
  ): Promise<WorkflowStartOutput> {
    this.mark(input.options.workflowId);
    const output = await next(input);
    this.mark(input.options.workflowId, output.runId);
    return output;
  }

  async signalWithStart(
    input: WorkflowSignalWithStartInput,
    next: Next<WorkflowClientInterceptor, 'signalWithStart'>,
  ): Promise<string> {
    this.mark(input.options.workflowId);
    const runId = await next(input);
    this.mark(input.options.workflowId, runId);
    return runId;
  }

  async signal(input: WorkflowSignalInput, next: Next<WorkflowClientInterceptor, 'signal'>): Promise<void> {
    this.mark(input.workflowExecution.workflowId, input.workflowExecution.runId);
    await next(input);
  }

  async startUpdate(
    input: WorkflowStartUpdateInput,
    next: Next<WorkflowClientInterceptor, 'startUpdate'>,
  ): Promise<WorkflowStartUpdateOutput> {
    this.mark(input.workflowExecution.workflowId, input.workflowExecution.runId);
    const output = await next(input);
    this.mark(input.workflowExecution.workflowId, output.workflowRunId);
    return output;
  }

  async startUpdateWithStart(
    input: WorkflowStartUpdateWithStartInput,
    next: Next<WorkflowClientInterceptor, 'startUpdateWithStart'>,
  ): Promise<WorkflowStartUpdateWithStartOutput> {
    this.mark(input.workflowStartOptions.workflowId);
    const output = await next(input);
    this.mark(input.workflowStartOptions.workflowId, output.workflowExecution.runId);
    return output;
  }
}
