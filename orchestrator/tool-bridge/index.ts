/**
 * The tool bridge: how the conversation's agent reaches its tools. Remote tools come from the catalog of what the
 * servers list, each call goes through the transport chosen for its tool (MCP today), and the IT session's handle is
 * put into the calls that need it; local tools are the orchestrator's own activities. Every call is recorded in the
 * turn's log, and a failure becomes text the model can act on.
 */
import { tool, type FunctionTool } from '@openai/agents-core';
import { log, proxyActivities, type ActivityInterfaceFor } from '@temporalio/workflow';
import { describeFailure, failureType } from '../../shared/temporal/failures';
import type { McpToolOutcome, OrchestratorActivities } from '../activities';
import { itSessionContract, type ConversationInput, type ConversationState, type McpToolDescriptor } from '../shared';
import type { LocalToolSpec } from '../tools/local-tool';
import type { TurnLog } from '../transcript';
import { ToolCatalog } from './catalog';
import { ItSession } from './it-session';
import { McpTransport } from './mcp';
import { toolParameters } from './parameters';
import type { ToolTransport } from './transport';

type AgentTool = FunctionTool<any, any, string>;

export class ToolBridge {
  private readonly catalog: ToolCatalog;
  private readonly itSession: ItSession;
  private readonly mcp: McpTransport;
  /** The local tools' activities, with the same policy as remote tool calls. */
  private readonly localActivities: ActivityInterfaceFor<OrchestratorActivities>;

  constructor(
    private readonly input: Pick<ConversationInput, 'toolCalls' | 'user'>,
    state: ConversationState,
  ) {
    const { timeoutMs, maxAttempts } = input.toolCalls;
    const retry = { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '5 seconds' };
    const nonRetryableErrorTypes = ['McpRequestRejected', 'McpSessionNotFound'];
    const calls = proxyActivities<OrchestratorActivities>({
      startToCloseTimeout: timeoutMs,
      retry: { ...retry, maximumAttempts: maxAttempts, nonRetryableErrorTypes },
    });
    // Discovery must not hold a turn up long: a server that is down now is asked again next turn.
    const housekeeping = proxyActivities<OrchestratorActivities>({
      startToCloseTimeout: Math.min(timeoutMs, 15_000),
      retry: { ...retry, maximumAttempts: Math.min(2, maxAttempts), nonRetryableErrorTypes },
    });
    this.localActivities = calls;
    this.mcp = new McpTransport({ calls, housekeeping }, input.user);
    this.itSession = new ItSession(state);
    this.catalog = new ToolCatalog(state, this.mcp, this.itSession);
  }

  /** Lists the tools of servers whose list is missing or expired. */
  discover(turnLog: TurnLog): Promise<void> {
    return this.catalog.refresh(turnLog);
  }

  /** The handle of the conversation's IT session, if one is open. */
  get itSessionId(): string | undefined {
    return this.itSession.handle;
  }

  /** The names of the remote tools offered to the model, in catalog order. */
  remoteToolNames(): string[] {
    return this.catalog.offered.map((t) => t.name);
  }

  /** The remote tools for the model, one per name: a name already `taken` (a local tool's) wins. */
  remoteTools(turnLog: TurnLog, taken: readonly string[]): AgentTool[] {
    const seen = new Set<string>(taken);
    return this.catalog.offered.filter((t) => !seen.has(t.name) && seen.add(t.name)).map((t) => this.remoteTool(t, turnLog));
  }

  localTool(spec: LocalToolSpec, turnLog: TurnLog): AgentTool {
    return tool({
      name: spec.name,
      description: spec.description,
      parameters: spec.parameters as never,
      strict: false,
      execute: async (args: unknown) => {
        const callArgs = (args && typeof args === 'object' ? args : {}) as Record<string, unknown>;
        const call = { tool: spec.name, server: 'local' as const, arguments: callArgs };
        try {
          return turnLog.record(call, await spec.run(this.localActivities, callArgs));
        } catch (err) {
          return turnLog.record(call, { ok: false, text: `Error: ${spec.name} failed: ${describeFailure(err)}` });
        }
      },
    });
  }

  /** Ends the conversation's IT session, if it has one; a failure is logged, the conversation ends anyway. */
  async close(): Promise<void> {
    const handle = this.itSession.handle;
    if (!handle) return;
    await this.mcp.closeSession('it', handle).catch((err: unknown) => {
      log.warn('could not close the IT session', { error: describeFailure(err) });
    });
  }

  /** Where a Nexus transport will be chosen, for the tools it serves. */
  private transportFor(_descriptor: McpToolDescriptor): ToolTransport {
    return this.mcp;
  }

  private remoteTool(descriptor: McpToolDescriptor, turnLog: TurnLog): AgentTool {
    const inSession = ItSession.isUsedBy(descriptor);
    const hidden = inSession ? [itSessionContract.handleArgument] : [];
    const transport = this.transportFor(descriptor);
    return tool({
      name: descriptor.name,
      description: descriptor.description,
      parameters: toolParameters(descriptor.inputSchema, hidden),
      strict: false,
      execute: async (args: unknown) => {
        const modelArgs = { ...((args && typeof args === 'object' ? args : {}) as Record<string, unknown>) };
        for (const name of hidden) delete modelArgs[name]; // the conversation's handle, never the model's guess
        const call = { tool: descriptor.name, server: descriptor.server, arguments: modelArgs };
        const summary = `${descriptor.name} ${JSON.stringify(modelArgs).slice(0, 120)}`;
        const attempt = (handle?: string): Promise<McpToolOutcome> =>
          transport.call({ descriptor, summary, arguments: handle ? { ...modelArgs, [itSessionContract.handleArgument]: handle } : modelArgs });
        try {
          return turnLog.record(call, inSession ? await this.itSession.call(attempt, turnLog) : await attempt());
        } catch (err) {
          // Recorded before the mcp-2026-handles patch only: an ended Mcp-Session-Id failed the call, and a discovery
          // opened a new session.
          if (descriptor.server === 'it' && failureType(err) === 'McpSessionNotFound') {
            this.itSession.endedAtCall(turnLog);
            this.catalog.forget('it');
            await this.discover(turnLog);
            try {
              return turnLog.record(call, await attempt(this.itSession.handle));
            } catch (retryErr) {
              err = retryErr;
            }
          }
          const attempts = failureType(err) === 'McpServerUnavailable' ? ` (gave up after ${this.input.toolCalls.maxAttempts} attempts)` : '';
          return turnLog.record(call, { ok: false, text: `Error: ${descriptor.name} failed: ${describeFailure(err)}${attempts}` });
        }
      },
    });
  }
}
