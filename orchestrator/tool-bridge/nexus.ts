/**
 * The Nexus transport: each tool call is a Nexus operation on the tool's domain endpoint, recorded in the
 * conversation's own history (no activity in between), as the seeds' `openai_temporal` system does. Discovery is one
 * `list_tools` operation per domain, kept for the list's TTL like an MCP list.
 *
 * Why not `nexusOperationAsTool` as it is: the bridge must put the IT session's handle into a call, record every
 * call in the turn's log and turn a failure into text the model can act on, which that wrapper cannot (it throws). So
 * the bridge calls the same workflow Nexus client (`createNexusServiceClient`) that wrapper uses, with the same
 * service definitions the tool workers serve (each derived from the domain's tool definitions).
 */
import { createNexusServiceClient, workflowInfo, type NexusServiceClient } from '@temporalio/workflow';
import * as nexus from 'nexus-rpc';
import { describeFailure } from '../../shared/temporal/failures';
import { toolResultText, type AnyToolDefinition } from '../../shared/tools/definition';
import { financeService, financeTools } from '../../tool-workers/finance/tools';
import { itService, itTools } from '../../tool-workers/it/tools';
import type { CallApproval, RemoteToolList, RemoteToolOutcome } from '../contract/activities';
import type { ToolDomain } from '../contract/conversation';
import { itSessionContract } from '../contract/conversation';
import type { RemoteToolCall, StartedTask, ToolTransport } from './transport';

/** As long as an MCP task may live (the servers' task TTL). */
const BACKGROUND_TASK_TIMEOUT = '1 day';

export interface NexusEndpoints {
  finance: string;
  it: string;
}

const services = { finance: financeService, it: itService } as const;
const definitions: Record<ToolDomain, readonly AnyToolDefinition[]> = { finance: financeTools, it: itTools };

/**
 * A person's approval of one call, as the option the conversation's interceptor turns into the operation's
 * APPROVAL_HEADER (orchestrator/nexus-identity.ts); the operation options have no headers of their own.
 */
function approvalOption(approval: CallApproval | undefined): { approval?: string } {
  if (!approval?.approved) return {};
  const json = JSON.stringify({
    by: approval.by ?? "the conversation's user",
    at: new Date().toISOString(),
    ...(approval.reason ? { reason: approval.reason.slice(0, 500) } : {}),
  });
  // A header value: ASCII only (JSON's own escapes for the rest).
  return { approval: json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) };
}

export class NexusTransport implements ToolTransport {
  private readonly clients: Record<ToolDomain, NexusServiceClient<nexus.ServiceDefinition>>;

  constructor(
    endpoints: NexusEndpoints,
    /** Bounds each operation with its retries: the budget the tool-call policy gives an MCP call's attempts. */
    private readonly timeoutMs: number,
  ) {
    this.clients = {
      finance: createNexusServiceClient({
        endpoint: endpoints.finance,
        service: services.finance as nexus.ServiceDefinition,
      }),
      it: createNexusServiceClient({ endpoint: endpoints.it, service: services.it as nexus.ServiceDefinition }),
    };
  }

  async discover(server: ToolDomain): Promise<RemoteToolList> {
    const list = (await this.clients[server].executeOperation('list_tools', undefined, {
      scheduleToCloseTimeout: this.timeoutMs,
      summary: `discover ${server} tools`,
    })) as {
      tools: {
        name: string;
        title: string;
        description: string;
        inputSchema: Record<string, unknown>;
        approval?: string;
      }[];
      ttlMs: number;
    };
    return {
      tools: list.tools.map((t) => ({
        server,
        name: t.name,
        title: t.title,
        description: t.description,
        inputSchema: t.inputSchema,
        ...(t.approval === 'required' ? { approval: 'required' as const } : {}),
      })),
      ttlMs: list.ttlMs,
      cacheScope: 'public',
    };
  }

  async call({ descriptor, arguments: args, summary, approval }: RemoteToolCall): Promise<RemoteToolOutcome> {
    const server = descriptor.server;
    try {
      const result = (await this.clients[server].executeOperation(descriptor.name, args, {
        scheduleToCloseTimeout: this.timeoutMs,
        summary,
        ...approvalOption(approval),
      })) as Record<string, unknown>;
      const tool = definitions[server].find((t) => t.name === descriptor.name);
      const sessionId =
        typeof result?.[itSessionContract.handleArgument] === 'string'
          ? (result[itSessionContract.handleArgument] as string)
          : undefined;
      // The same text an MCP client reads: the definition's summary, then the data.
      return { ok: true, text: toolResultText(tool?.summarize(result), result), ...(sessionId ? { sessionId } : {}) };
    } catch (err) {
      // A refused request (bad arguments, a handle that is gone): the handler's message says what to do.
      return this.failed(descriptor.name, err);
    }
  }

  async startTask({ descriptor, arguments: args, summary, approval }: RemoteToolCall): Promise<StartedTask> {
    // The operation is the tool's workflow (a workflow-run operation); its result arrives when it ends.
    const handle = await this.clients[descriptor.server].startOperation(descriptor.name, args, {
      scheduleToCloseTimeout: BACKGROUND_TASK_TIMEOUT,
      summary,
      ...approvalOption(approval),
    });
    const tool = definitions[descriptor.server].find((t) => t.name === descriptor.name);
    const outcome = handle.result().then(
      (result): RemoteToolOutcome => ({ ok: true, text: toolResultText(tool?.summarize(result as never), result) }),
      (err: unknown): RemoteToolOutcome => this.failed(descriptor.name, err),
    );
    return { id: handle.token ?? `${descriptor.name}-${workflowInfo().historyLength}`, outcome };
  }

  private failed(tool: string, err: unknown): RemoteToolOutcome {
    const cause = err instanceof Error ? err.cause : undefined;
    if (cause instanceof nexus.HandlerError) {
      return {
        ok: false,
        text: `Error: ${cause.message}`,
        ...(cause.type === 'NOT_FOUND' ? { sessionNotFound: true } : {}),
      };
    }
    return { ok: false, text: `Error: ${tool} failed: ${describeFailure(cause ?? err)}` };
  }

  async closeSession(server: ToolDomain, sessionId: string): Promise<void> {
    await this.clients[server].executeOperation(
      itSessionContract.closeTool,
      { [itSessionContract.handleArgument]: sessionId },
      { scheduleToCloseTimeout: this.timeoutMs },
    );
  }
}
