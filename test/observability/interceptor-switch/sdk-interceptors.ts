/**
 * The workflow interceptors the workers bundled before shared/telemetry/workflow-interceptors.ts replaced them: the
 * OpenTelemetry SDK's own, minus Update-validator and Query spans. Kept here to start runs the way running workflows
 * were started, so ../interceptor-switch.test.ts can move them to the current interceptors.
 */
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow';
import type { WorkflowInterceptors } from '@temporalio/workflow';

export const interceptors = (): WorkflowInterceptors => {
  const inbound = new OpenTelemetryInboundInterceptor();
  Object.assign(inbound, { validateUpdate: undefined, handleQuery: undefined });
  return {
    inbound: [inbound],
    outbound: [new OpenTelemetryOutboundInterceptor()],
    internals: [new OpenTelemetryInternalsInterceptor()],
  };
};
