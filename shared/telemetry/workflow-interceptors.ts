/**
 * The OpenTelemetry workflow interceptors of @temporalio/interceptors-opentelemetry, minus the two inbound methods
 * that run only on a live task and never on replay: Update validators (the SDK skips them when replaying) and
 * Queries. Inside the sandbox span ids come from the workflow's seeded random numbers; a span made where replay makes
 * none shifts every later id, so on a replaying worker (cache disabled, or evicted) the Update's handler span took
 * the id of its validator's span, and the activity spans hung off the wrong parent. Their Start/Handle spans stay.
 *
 * Not a workflow, just interceptors: bundled into the workflow code by shared/telemetry's worker plugin.
 */
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow';
import type { WorkflowInterceptors } from '@temporalio/workflow';

export const interceptors = (): WorkflowInterceptors => {
  const inbound = new OpenTelemetryInboundInterceptor();
  // Own properties shadow the prototype's methods; the SDK composes only the methods an interceptor defines.
  Object.assign(inbound, { validateUpdate: undefined, handleQuery: undefined });
  return {
    inbound: [inbound],
    outbound: [new OpenTelemetryOutboundInterceptor()],
    internals: [new OpenTelemetryInternalsInterceptor()],
  };
};
