/**
 * The MCP transport: each operation on an MCP server is one of the orchestrator's activities (activities.ts, over
 * the worker's pooled MCP clients), so it is retried, timed out and recorded like any other.
 */
import { patched, type ActivityInterfaceFor } from '@temporalio/workflow';
import type { RemoteToolList, RemoteToolOutcome, OrchestratorActivities } from '../contract/activities';
import { HIDDEN_IDS_PATCH } from '../patches';
import type { ToolDomain } from '../contract/conversation';
import type { RemoteToolCall, StartedTask, ToolTransport } from './transport';

export interface McpActivities {
  /** Tool calls, with the conversation's tool-call policy. */
  calls: ActivityInterfaceFor<OrchestratorActivities>;
  /** Listing tools and closing sessions: kept short, so that a server that is down does not hold a turn up. */
  housekeeping: ActivityInterfaceFor<OrchestratorActivities>;
  /** Following a background task to its end: long, heartbeating, retried on another worker. */
  followers: ActivityInterfaceFor<OrchestratorActivities>;
}

export class McpTransport implements ToolTransport {
  constructor(
    private readonly activities: McpActivities,
    /** Who the conversation acts for; each server hears it with every call. */
    private readonly user: string | undefined,
  ) {}

  discover(server: ToolDomain): Promise<RemoteToolList> {
    return this.activities.housekeeping.discoverMcpTools.executeWithOptions({ summary: `discover ${server} tools` }, [
      { server },
    ]);
  }

  async startTask({ descriptor, arguments: args, summary }: RemoteToolCall): Promise<StartedTask> {
    const server = descriptor.server;
    const { taskId } = await this.activities.calls.startMcpToolTask.executeWithOptions(
      { summary: `start ${summary}` },
      [{ server, tool: descriptor.name, arguments: args, ...(this.user ? { onBehalfOf: this.user } : {}) }],
    );
    const outcome = this.activities.followers.awaitMcpToolTask.executeWithOptions(
      // The Web UI shows summaries to whoever reads the namespace: the task id, a capability, stays out of it.
      {
        summary: patched(HIDDEN_IDS_PATCH)
          ? `follow ${descriptor.name} task`
          : `follow task ${taskId} (${descriptor.name})`,
      },
      [{ server, taskId }],
    );
    return { id: taskId, outcome };
  }

  call({ descriptor, arguments: args, summary, approval, resume }: RemoteToolCall): Promise<RemoteToolOutcome> {
    return this.activities.calls.callMcpTool.executeWithOptions({ summary }, [
      {
        server: descriptor.server,
        tool: descriptor.name,
        arguments: args,
        ...(this.user ? { onBehalfOf: this.user } : {}),
        ...(approval ? { approval } : {}),
        ...(resume ? { resume } : {}),
      },
    ]);
  }

  closeSession(server: ToolDomain, sessionId: string): Promise<void> {
    return this.activities.housekeeping.closeMcpSession({
      server,
      sessionId,
      ...(this.user ? { onBehalfOf: this.user } : {}),
    });
  }
}
