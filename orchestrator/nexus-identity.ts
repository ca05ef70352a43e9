/**
 * Workflow interceptor: every Nexus operation a conversation starts says whose conversation it is, in Nexus headers,
 * as an MCP call carries `_meta.onBehalfOf`. The identity is the conversation's memo (`NEXUS_IDENTITY_MEMO`), set when
 * it starts: its chat user, sent as the caller (the tool workers scope the user's ids by it, within the orchestrator's
 * namespace: `nexus:<namespace>:<user>`, shared/tools/nexus-handlers.ts) and as the person the call is for.
 * Conversations started before the memo named a caller name their user only as `onBehalfOf`: that is their caller too.
 * A call a person approved carries that approval (APPROVAL_HEADER) the same way.
 * Workflow code: deterministic, reads only workflow info.
 */
import { workflowInfo, type WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { APPROVAL_HEADER, CALLER_HEADER, ON_BEHALF_OF_HEADER } from '../shared/tools/nexus-service';
import { NEXUS_IDENTITY_MEMO, type NexusIdentity } from './contract/conversation';

function identityHeaders(): Record<string, string> {
  const identity = workflowInfo().memo?.[NEXUS_IDENTITY_MEMO] as NexusIdentity | undefined;
  const caller = identity?.caller ?? identity?.onBehalfOf;
  return {
    ...(caller ? { [CALLER_HEADER]: caller } : {}),
    ...(identity?.onBehalfOf ? { [ON_BEHALF_OF_HEADER]: identity.onBehalfOf } : {}),
  };
}

export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [
    {
      startNexusOperation(input, next) {
        // A person's approval of this one call rides in its options (tool-bridge/nexus.ts), and goes out as a header.
        const approval = (input.options as { approval?: string }).approval;
        return next({
          ...input,
          headers: { ...input.headers, ...identityHeaders(), ...(approval ? { [APPROVAL_HEADER]: approval } : {}) },
        });
      },
    },
  ],
});
