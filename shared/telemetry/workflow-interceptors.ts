/**
 * The workflow interceptors of @temporalio/interceptors-opentelemetry (1.x), rewritten on ./workflow-spans so a run
 * loads no OpenTelemetry module: the same span names, attributes, parents, headers, SDK flags and awaits (each `await`
 * below mirrors one of theirs, so workflows resume in the same order as under the SDK's interceptors).
 *
 * Minus the two inbound methods that run only on a live task and never on replay: Update validators (the SDK skips
 * them when replaying) and Queries. Span ids come from the workflow's seeded random numbers; a span made where replay
 * makes none would shift every later id, so on a replaying worker (cache disabled, or evicted) the Update's handler
 * span would take the id of its validator's span. Their Start/Handle spans stay.
 *
 * Not a workflow, just interceptors: bundled into the workflow code by shared/telemetry's worker plugin.
 */
import {
  ContinueAsNew,
  type ActivateInput,
  type ActivityInput,
  type DisposeInput,
  type ContinueAsNewInput,
  type GetLogAttributesInput,
  type LocalActivityInput,
  type Next,
  type SignalInput,
  type SignalWorkflowInput,
  type StartChildWorkflowExecutionInput,
  type StartNexusOperationInput,
  type StartNexusOperationOutput,
  type UpdateInput,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptors,
  type WorkflowInternalsInterceptor,
  type WorkflowOutboundCallsInterceptor,
  workflowInfo,
} from '@temporalio/workflow';
import { SdkFlags } from '@temporalio/workflow/lib/flags';
import { getActivator } from '@temporalio/workflow/lib/global-attributes';
import {
  activeContext,
  contextFromHeaders,
  disposeTracing,
  duringActivation,
  headersWithContext,
  instrument,
  nexusHeadersWithContext,
} from './workflow-spans';

// The SDK's span names and attribute keys (lib/workflow/definitions, lib/instrumentation).
const UPDATE_ID_ATTR_KEY = 'temporalUpdateId';
const NEXUS_SERVICE_ATTR_KEY = 'temporalNexusService';
const NEXUS_OPERATION_ATTR_KEY = 'temporalNexusOperation';
const NEXUS_ENDPOINT_ATTR_KEY = 'temporalNexusEndpoint';

/** The SDK flags its interceptors consult: checking one records it in the task's history, as they did. */
const hasFlag = (flag: keyof typeof SdkFlags) => getActivator().hasFlag(SdkFlags[flag]);
const isContinueAsNew = (err: unknown) => err instanceof ContinueAsNew;

class TracingInboundInterceptor implements WorkflowInboundCallsInterceptor {
  async execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const context = contextFromHeaders(input.headers);
    if (!hasFlag('OpenTelemetryInterceporsAvoidsExtraYields')) await Promise.resolve();
    return await instrument({
      spanName: `RunWorkflow:${workflowInfo().workflowType}`,
      scope: 'run',
      fn: () => next(input),
      context,
      acceptableErrors: isContinueAsNew,
    });
  }

  async handleSignal(input: SignalInput, next: Next<WorkflowInboundCallsInterceptor, 'handleSignal'>): Promise<void> {
    if (!hasFlag('OpenTelemetryInterceptorsTracesInboundSignals')) return next(input);
    const context = contextFromHeaders(input.headers);
    if (!hasFlag('OpenTelemetryInterceporsAvoidsExtraYields')) await Promise.resolve();
    return await instrument({
      spanName: `HandleSignal:${input.signalName}`,
      scope: 'handler',
      fn: () => next(input),
      context,
    });
  }

  async handleUpdate(
    input: UpdateInput,
    next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>,
  ): Promise<unknown> {
    if (!hasFlag('OpenTelemetryInterceptorsInstrumentsAllMethods')) return next(input);
    const context = contextFromHeaders(input.headers);
    return await instrument({
      spanName: `HandleUpdate:${input.name}`,
      scope: 'handler',
      fn: (span) => {
        span.setAttribute(UPDATE_ID_ATTR_KEY, input.updateId);
        return next(input);
      },
      context,
    });
  }
}

/**
 * An outbound call in a span, its headers carrying that span (the SDK's shape for activities, children, signals).
 * Not async itself: the caller's `return await` is the SDK's, and a layer more would add microtasks.
 */
function withHeaders<I extends { headers: ActivityInput['headers'] }, O>(
  spanName: string,
  input: I,
  next: (input: I) => Promise<O>,
  acceptableErrors?: (err: unknown) => boolean,
): Promise<O> {
  return instrument({
    spanName,
    scope: 'frame', // the headers are read before any await
    fn: async () => {
      const headers = headersWithContext(input.headers);
      if (!hasFlag('OpenTelemetryInterceporsAvoidsExtraYields')) await Promise.resolve();
      return next({ ...input, headers });
    },
    acceptableErrors,
  });
}

class TracingOutboundInterceptor implements WorkflowOutboundCallsInterceptor {
  async scheduleActivity(
    input: ActivityInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>,
  ): Promise<unknown> {
    return await withHeaders(`StartActivity:${input.activityType}`, input, next);
  }

  async scheduleLocalActivity(
    input: LocalActivityInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>,
  ): Promise<unknown> {
    if (!hasFlag('OpenTelemetryInterceptorsTracesLocalActivities')) return next(input);
    return await withHeaders(`StartActivity:${input.activityType}`, input, next);
  }

  async startNexusOperation(
    input: StartNexusOperationInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'startNexusOperation'>,
  ): Promise<StartNexusOperationOutput> {
    if (!hasFlag('OpenTelemetryInterceptorsInstrumentsAllMethods')) return next(input);
    return await instrument({
      spanName: `StartNexusOperation:${input.service}/${input.operation}`,
      scope: 'frame',
      fn: async (span) => {
        span.setAttribute(NEXUS_SERVICE_ATTR_KEY, input.service);
        span.setAttribute(NEXUS_OPERATION_ATTR_KEY, input.operation);
        span.setAttribute(NEXUS_ENDPOINT_ATTR_KEY, input.endpoint);
        const headers = nexusHeadersWithContext(input.headers);
        return await next({ ...input, headers });
      },
    });
  }

  async startChildWorkflowExecution(
    input: StartChildWorkflowExecutionInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'startChildWorkflowExecution'>,
  ): Promise<[Promise<string>, Promise<unknown>]> {
    return await withHeaders(`StartChildWorkflow:${input.workflowType}`, input, next);
  }

  async continueAsNew(
    input: ContinueAsNewInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'continueAsNew'>,
  ): Promise<never> {
    return await withHeaders(`ContinueAsNew:${input.options.workflowType}`, input, next, isContinueAsNew);
  }

  async signalWorkflow(
    input: SignalWorkflowInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'signalWorkflow'>,
  ): Promise<void> {
    return await withHeaders(`SignalWorkflow:${input.signalName}`, input, next);
  }

  /** The active span's ids on the workflow's log lines, as the SDK's interceptor adds them. */
  getLogAttributes(
    input: GetLogAttributesInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'getLogAttributes'>,
  ): Record<string, unknown> {
    const span = activeContext().span;
    if (!span) return next(input);
    return next({
      trace_id: span.traceId,
      span_id: span.spanId,
      trace_flags: `0${span.traceFlags.toString(16)}`,
      ...input,
    });
  }
}

class TracingInternalsInterceptor implements WorkflowInternalsInterceptor {
  activate(input: ActivateInput, next: Next<WorkflowInternalsInterceptor, 'activate'>): void {
    duringActivation(() => next(input));
  }

  dispose(input: DisposeInput, next: Next<WorkflowInternalsInterceptor, 'dispose'>): void {
    disposeTracing();
    next(input);
  }
}

export const interceptors = (): WorkflowInterceptors => ({
  inbound: [new TracingInboundInterceptor()],
  outbound: [new TracingOutboundInterceptor()],
  internals: [new TracingInternalsInterceptor()],
});
