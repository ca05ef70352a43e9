/**
 * The bare Temporal calls the Finance and IT benches measure their tools against, written once: the bench makes them
 * itself (the baselines), and the plain SDK v2 server of bench/plain-temporal-server.ts makes the same ones behind an
 * MCP hop (the floor with Temporal behind it). Nothing here loads the worker SDK, so that server stays a client only.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowClient, type Client, type ConnectionLike } from '@temporalio/client';
import { itSessionWorkflowId } from '../tool-workers/it/sessions';
import { sessionStateQuery, sessionWriteSignal } from '../tool-workers/it/session-contract';
import type { RoiInput } from '../tool-workers/finance/contract';

/** Row 1's baseline: `execute` of calculateRoiWorkflow, a new workflow id per call, nothing else in the request. */
export function executeRoi(finance: Client, taskQueue: string, input: RoiInput): Promise<unknown> {
  return finance.workflow.execute('calculateRoiWorkflow', {
    taskQueue,
    workflowId: `bench-roi-${randomUUID()}`,
    args: [input],
  });
}

/** Reads refuse closed runs, as the IT server's do (tool-workers/it/sessions.ts). */
export function itSessionClient(connection: ConnectionLike, namespace: string): WorkflowClient {
  return new WorkflowClient({ connection, namespace, queryRejectCondition: 'NOT_OPEN' });
}

/** The session workflow a handle names for a caller without identity (the bench's, on loopback without auth). */
export function sessionOf(sessions: WorkflowClient, sessionId: string) {
  return sessions.getHandle(itSessionWorkflowId(sessionId));
}

/** Row 2's write baseline: the `sessionWrite` Signal `set_jira_project` sends to an open session. */
export function writeJiraProject(session: ReturnType<typeof sessionOf>, project: string): Promise<void> {
  return session.signal(sessionWriteSignal, { kind: 'set_jira_project', project, requestId: randomUUID() });
}

/** Row 2's read baseline: the `sessionState` Query `get_ip_history` makes. */
export function readSessionState(session: ReturnType<typeof sessionOf>) {
  return session.query(sessionStateQuery);
}
