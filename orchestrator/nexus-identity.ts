/**
 * Workflow interceptor: every Nexus operation a conversation starts carries who it is for in Nexus headers, as an
 * MCP call carries `_meta.onBehalfOf`. The identity is the conversation's memo (`NEXUS_IDENTITY_MEMO`), set when it
 * starts; the tool workers record it in the same memo fields as an MCP call's (shared/tools/nexus-handlers.ts).
 * Workflow code: deterministic, reads only workflow info.
 */
import { workflowInfo, type WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { CALLER_HEADER, ON_BEHALF_OF_HEADER } from '../shared/tools/nexus-service';
import { NEXUS_IDENTITY_MEMO, type NexusIdentity } from './shared';

function identityHeaders(): Record<string, string> {
  const identity = workflowInfo().memo?.[NEXUS_IDENTITY_MEMO] as NexusIdentity | undefined;
  return {
    ...(identity?.caller ? { [CALLER_HEADER]: identity.caller } : {}),
    ...(identity?.onBehalfOf ? { [ON_BEHALF_OF_HEADER]: identity.onBehalfOf } : {}),
  };
}

export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [
    {
      startNexusOperation(input, next) {
        return next({ ...input, headers: { ...input.headers, ...identityHeaders() } });
      },
    },
  ],
});
