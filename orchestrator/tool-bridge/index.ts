/**
 * The tool bridge: how the conversation's agent reaches its tools. Remote tools come from the catalog of what the
 * servers list, each call goes through the transport chosen for its tool (MCP today), and the IT session's handle is
 * put into the calls that need it; local tools are the orchestrator's own activities. Every call is recorded in the
 * turn's log, and a failure becomes text the model can act on.
 */
import { tool, type FunctionTool } from '@openai/agents-core';
import { log, patched, proxyActivities, type ActivityInterfaceFor } from '@temporalio/workflow';
import { describeFailure, failureType } from '../../shared/temporal/failures';
import {
  McpFailureType,
  type CallApproval,
  type OrchestratorActivities,
  type RemoteToolOutcome,
} from '../contract/activities';
import type { ToolSchema } from '../contract/planning';
import { Approvals, notApprovedText, type ApprovalOutcome, type ApprovalRequest } from '../approvals';
import {
  itSessionContract,
  type ConversationInput,
  type ConversationState,
  type RemoteToolDescriptor,
  type ToolCallRecord,
} from '../contract/conversation';
import { APPROVALS_PATCH, HIDDEN_IDS_PATCH } from '../patches';
import type { LocalToolSpec } from '../tools/local-tool';
import type { Transcript, TurnLog } from '../transcript';
import { ToolCatalog } from './catalog';
import { hideSessionHandles, ItSession } from './it-session';
import { McpTransport } from './mcp';
import { NexusTransport } from './nexus';
import { BackgroundTasks, CHECK_TASK_TOOL, runsLong } from './background-tasks';
import { toolParameters } from './parameters';
import type { RemoteToolCall, ToolTransport } from './transport';

type AgentTool = FunctionTool<any, any, string>;

/** Rounds of questions one call may put to the person (MCP `input_required`) before the client gives up. */
const MAX_INPUT_ROUNDS = 3;

/**
 * `tool()`, always enabled. Left to itself, `tool()` makes `isEnabled` an async function, which the runner calls and
 * awaits for every tool on every model call: two promises each, and in the workflow sandbox every promise costs a
 * captured, source-mapped stack trace (@temporalio/worker's promise hook). A plain `true`, which `Agent.getAllTools`
 * takes as it is, saves about a tenth of the Agents SDK loop's promises per turn.
 */
function agentTool(options: Parameters<typeof tool>[0]): AgentTool {
  const built: AgentTool = tool(options);
  return { ...built, isEnabled: true as unknown as AgentTool['isEnabled'] };
}

export class ToolBridge {
  private readonly catalog: ToolCatalog;
  private readonly itSession: ItSession;
  /** MCP or Nexus, as the conversation's input says (runs started before there was a choice are MCP). */
  private readonly remote: ToolTransport;
  private readonly tasks: BackgroundTasks;
  /** The local tools' activities, with the same policy as remote tool calls. */
  private readonly localActivities: ActivityInterfaceFor<OrchestratorActivities>;
  /** Questions to the person: a tool call waits here for its approval. */
  readonly approvals: Approvals;
  /** Calls the person approved before they ran (the Agents SDK's interruptions), by the model's call id. */
  private readonly approvedCalls = new Map<string, CallApproval>();

  constructor(
    private readonly input: Pick<
      ConversationInput,
      'toolCalls' | 'user' | 'toolTransport' | 'nexusEndpoints' | 'approvalExpiryMs'
    >,
    state: ConversationState,
    transcript: Transcript,
  ) {
    this.approvals = new Approvals(state, transcript, input.approvalExpiryMs, input.user);
    const { timeoutMs, maxAttempts } = input.toolCalls;
    const retry = { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '5 seconds' };
    const nonRetryableErrorTypes = [McpFailureType.requestRejected, McpFailureType.sessionNotFound];
    const calls = proxyActivities<OrchestratorActivities>({
      startToCloseTimeout: timeoutMs,
      retry: { ...retry, maximumAttempts: maxAttempts, nonRetryableErrorTypes },
    });
    // Discovery must not hold a turn up long: a server that is down now is asked again next turn.
    const housekeeping = proxyActivities<OrchestratorActivities>({
      startToCloseTimeout: Math.min(timeoutMs, 15_000),
      retry: { ...retry, maximumAttempts: Math.min(2, maxAttempts), nonRetryableErrorTypes },
    });
    // A background task's follower runs as long as the task (a day at most), heartbeating; a retry resumes it.
    const followers = proxyActivities<OrchestratorActivities>({
      startToCloseTimeout: '1 day',
      heartbeatTimeout: '1 minute',
      retry: {
        initialInterval: '1 second',
        backoffCoefficient: 2,
        maximumInterval: '30 seconds',
        maximumAttempts: 20,
        nonRetryableErrorTypes,
      },
    });
    this.localActivities = calls;
    this.tasks = new BackgroundTasks(state);
    this.remote =
      input.toolTransport === 'nexus' && input.nexusEndpoints
        ? new NexusTransport(input.nexusEndpoints, timeoutMs * maxAttempts)
        : new McpTransport({ calls, housekeeping, followers }, input.user);
    this.itSession = new ItSession(state);
    this.catalog = new ToolCatalog(state, this.remote, this.itSession);
  }

  /**
   * Lists the tools of servers whose list is missing or expired. Undefined when every list is fresh (most turns):
   * nothing to wait for, and no promise made for nothing in the workflow sandbox, where each costs a stack trace.
   */
  discover(turnLog: TurnLog): Promise<void> | undefined {
    return this.catalog.refresh(turnLog);
  }

  /** The handle of the conversation's IT session, if one is open. */
  get itSessionId(): string | undefined {
    return this.itSession.handle;
  }

  /** The names of the remote tools offered to the model, in catalog order (and check_task once there are tasks). */
  remoteToolNames(): string[] {
    return [...this.catalog.offered.map((t) => t.name), ...(this.tasks.count ? [CHECK_TASK_TOOL.name] : [])];
  }

  /** Background tasks this run is following (continue-as-new waits until there are none). */
  get backgroundTasksRunning(): number {
    return this.tasks.inFlight;
  }

  /** The remote tools for the model, one per name: a name already `taken` (a local tool's) wins. */
  remoteTools(turnLog: TurnLog, taken: readonly string[]): AgentTool[] {
    const seen = new Set<string>(taken);
    const remote = this.catalog.offered
      .filter((t) => !seen.has(t.name) && seen.add(t.name))
      .map((t) => this.remoteTool(t, turnLog));
    if (!this.tasks.count) return remote;
    const checkTask = agentTool({
      name: CHECK_TASK_TOOL.name,
      description: CHECK_TASK_TOOL.description,
      parameters: CHECK_TASK_TOOL.parameters as never,
      strict: false,
      execute: (args: unknown) => this.checkTask(args, turnLog),
    });
    return [...remote, checkTask];
  }

  /** check_task: read from the conversation's own state, no activity. */
  private checkTask(args: unknown, turnLog: TurnLog): Promise<string> {
    const callArgs = (args && typeof args === 'object' ? args : {}) as Record<string, unknown>;
    const text = this.tasks.check(callArgs);
    return Promise.resolve(
      turnLog.record(
        { tool: CHECK_TASK_TOOL.name, server: 'local', arguments: callArgs },
        { ok: !text.startsWith('Error'), text },
      ),
    );
  }

  localTool(spec: LocalToolSpec, turnLog: TurnLog): AgentTool {
    return agentTool({
      name: spec.name,
      description: spec.description,
      parameters: spec.parameters as never,
      strict: false,
      execute: (args: unknown) => this.runLocalTool(spec, args, turnLog),
    });
  }

  /**
   * The tools with their JSON schemas, for a loop that asks the model itself (orchestrator/manual/): the `locals`
   * first, then one per remote name, as `localTool` and `remoteTools` offer them to the Agents SDK.
   */
  toolSchemas(locals: readonly LocalToolSpec[]): ToolSchema[] {
    const seen = new Set<string>(locals.map((t) => t.name));
    const remote = this.catalog.offered.filter((t) => !seen.has(t.name) && seen.add(t.name));
    return [
      ...locals.map((spec) => ({
        name: spec.name,
        description: spec.description,
        parameters: spec.parameters as Record<string, unknown>,
      })),
      ...remote.map((t) => ({
        name: t.name,
        description: t.description,
        parameters: toolParameters(t.inputSchema, hiddenArguments(t)) as Record<string, unknown>,
      })),
      ...(this.tasks.count
        ? [{ ...CHECK_TASK_TOOL, parameters: CHECK_TASK_TOOL.parameters as Record<string, unknown> }]
        : []),
    ];
  }

  /**
   * One call by name, for a loop that routes the model's tool calls itself: the same activities, idempotency keys,
   * retries, session handle and error texts as the Agents SDK's tools. Returns what the model reads.
   */
  callTool(
    name: string,
    args: Record<string, unknown>,
    turnLog: TurnLog,
    locals: readonly LocalToolSpec[],
  ): Promise<string> {
    const local = locals.find((t) => t.name === name);
    if (local) return this.runLocalTool(local, args, turnLog);
    const remote = this.catalog.offered.find((t) => t.name === name);
    if (remote && this.asksFirst(name)) return this.runApprovedRemoteTool(remote, args, turnLog);
    if (remote) return this.runRemoteTool(remote, args, turnLog);
    if (name === CHECK_TASK_TOOL.name && this.tasks.count) return this.checkTask(args, turnLog);
    const known = [...locals.map((t) => t.name), ...this.remoteToolNames()];
    return Promise.resolve(`Error: there is no tool named ${JSON.stringify(name)}; the tools are: ${known.join(', ')}`);
  }

  /** The manual loop's call of a tool that needs approval: the person is asked first, and a no runs nothing. */
  private async runApprovedRemoteTool(
    descriptor: RemoteToolDescriptor,
    args: Record<string, unknown>,
    turnLog: TurnLog,
  ): Promise<string> {
    const question = this.approvalRequest(descriptor.name, args);
    const outcome = await this.approvals.ask(question);
    if (!outcome.approved) {
      const call = { tool: descriptor.name, server: descriptor.server, arguments: question.arguments };
      return turnLog.record(call, { ok: false, text: notApprovedText(descriptor.name, outcome) });
    }
    return this.runRemoteTool(descriptor, args, turnLog, approvalOf(outcome));
  }

  private async runLocalTool(spec: LocalToolSpec, args: unknown, turnLog: TurnLog): Promise<string> {
    const callArgs = (args && typeof args === 'object' ? args : {}) as Record<string, unknown>;
    const call = { tool: spec.name, server: 'local' as const, arguments: callArgs };
    try {
      return turnLog.record(call, await spec.run(this.localActivities, callArgs));
    } catch (err) {
      return turnLog.record(call, { ok: false, text: `Error: ${spec.name} failed: ${describeFailure(err)}` });
    }
  }

  /**
   * A server asked before running the call (MCP `input_required`, for example its approval): the person is asked in
   * the chat, durably, and the answer goes back to the server, which runs the call or not. A no is sent too, so the
   * server closes its pending call at once; the model reads that nothing ran.
   */
  private async answerServer(
    descriptor: RemoteToolDescriptor,
    modelArgs: Record<string, unknown>,
    first: RemoteToolOutcome,
    attempt: (handle?: string, answer?: Pick<RemoteToolCall, 'approval' | 'resume'>) => Promise<RemoteToolOutcome>,
  ): Promise<RemoteToolOutcome> {
    let outcome = first;
    for (let round = 0; outcome.inputRequired; round++) {
      if (round === MAX_INPUT_ROUNDS)
        return {
          ok: false,
          text: `Error: ${descriptor.name} was not run: the server kept asking (${round} questions answered).`,
        };
      const pending = outcome.inputRequired;
      const answer = await this.approvals.ask({
        tool: descriptor.name,
        server: descriptor.server,
        arguments: modelArgs,
        why: pending.question,
      });
      const handle = ItSession.isUsedBy(descriptor) ? this.itSession.handle : undefined;
      outcome = await attempt(handle, { approval: approvalOf(answer), resume: pending });
      if (!answer.approved) return { ok: false, text: notApprovedText(descriptor.name, answer) };
    }
    return outcome;
  }

  /** Ends the conversation's IT session, if it has one; a failure is logged, the conversation ends anyway. */
  async close(): Promise<void> {
    const handle = this.itSession.handle;
    if (!handle) return;
    await this.remote.closeSession('it', handle).catch((err: unknown) => {
      log.warn('could not close the IT session', { error: describeFailure(err) });
    });
  }

  /**
   * An IT result without the session handles it names (the conversation's, and one a task opened itself): the
   * conversation supplies the handle, so the model has no use for it, and what the model reads can leak (a prompt
   * injection that has it repeat its input).
   */
  private hideHandles<T extends RemoteToolOutcome>(outcome: T): T {
    if (!patched(HIDDEN_IDS_PATCH)) return outcome;
    const text = hideSessionHandles(outcome.text, [this.itSession.handle, outcome.sessionId]);
    return text === outcome.text ? outcome : { ...outcome, text };
  }

  /** Whether the person is asked before this tool runs: its server's listing says its calls need approval. */
  asksFirst(name: string): boolean {
    const descriptor = this.catalog.offered.find((t) => t.name === name);
    return descriptor?.approval === 'required' && patched(APPROVALS_PATCH);
  }

  /** The question for a call the model asked for (the Agents SDK's interruption): the arguments it gave, the why. */
  approvalRequest(name: string, rawArguments: unknown): ApprovalRequest {
    const descriptor = this.catalog.offered.find((t) => t.name === name);
    let args: unknown = rawArguments;
    if (typeof rawArguments === 'string') {
      try {
        args = JSON.parse(rawArguments);
      } catch {
        args = { arguments: rawArguments };
      }
    }
    if (!descriptor)
      return {
        tool: name,
        server: 'local',
        arguments: visibleArguments(undefined, args),
        why: `${name} needs your approval`,
      };
    return {
      tool: name,
      server: descriptor.server,
      arguments: visibleArguments(descriptor, args),
      why: `${name} needs your approval (the ${descriptor.server} server's policy)`,
    };
  }

  /** The person's answer to an Agents SDK interruption: an approved call carries it when it runs. */
  decided(callId: string, outcome: ApprovalOutcome): void {
    if (outcome.approved) this.approvedCalls.set(callId, approvalOf(outcome));
  }

  private remoteTool(descriptor: RemoteToolDescriptor, turnLog: TurnLog): AgentTool {
    return agentTool({
      name: descriptor.name,
      description: descriptor.description,
      parameters: toolParameters(descriptor.inputSchema, hiddenArguments(descriptor)),
      strict: false,
      // The run stops with an interruption before the call; the turn asks the person (turn.ts), then resumes it.
      ...(this.asksFirst(descriptor.name) ? { needsApproval: true } : {}),
      execute: (args: unknown, _ctx: unknown, details?: { toolCall?: { callId?: string } }) => {
        const callId = details?.toolCall?.callId;
        const approval = callId ? this.approvedCalls.get(callId) : undefined;
        if (callId) this.approvedCalls.delete(callId);
        return this.runRemoteTool(descriptor, args, turnLog, approval);
      },
    });
  }

  private async runRemoteTool(
    descriptor: RemoteToolDescriptor,
    args: unknown,
    turnLog: TurnLog,
    approval?: CallApproval,
  ): Promise<string> {
    const inSession = ItSession.isUsedBy(descriptor);
    const transport = this.remote;
    const modelArgs = visibleArguments(descriptor, args);
    const call = { tool: descriptor.name, server: descriptor.server, arguments: modelArgs };
    const summary = `${descriptor.name} ${JSON.stringify(modelArgs).slice(0, 120)}`;
    const attempt = (
      handle?: string,
      answer?: Pick<RemoteToolCall, 'approval' | 'resume'>,
    ): Promise<RemoteToolOutcome> =>
      transport.call({
        descriptor,
        summary,
        arguments: handle ? { ...modelArgs, [itSessionContract.handleArgument]: handle } : modelArgs,
        ...(approval ? { approval } : {}),
        ...answer,
      });
    if (runsLong(descriptor)) {
      // Started, not waited for: the session handle goes in if there is one (else the tool opens a session itself).
      const handle = inSession ? this.itSession.handle : undefined;
      const begin = async () => {
        const task = await transport.startTask({
          descriptor,
          summary,
          arguments: handle ? { ...modelArgs, [itSessionContract.handleArgument]: handle } : modelArgs,
          ...(approval ? { approval } : {}),
        });
        // The result of an IT task names a session handle too (its own, when it opened one).
        return descriptor.server === 'it' ? { ...task, outcome: task.outcome.then((o) => this.hideHandles(o)) } : task;
      };
      return turnLog.record(call, await this.tasks.start(descriptor, modelArgs, begin));
    }
    try {
      let outcome = inSession ? await this.itSession.call((h) => attempt(h), turnLog) : await attempt();
      if (outcome.inputRequired && patched(APPROVALS_PATCH))
        outcome = await this.answerServer(descriptor, modelArgs, outcome, attempt);
      return turnLog.record(call, descriptor.server === 'it' ? this.hideHandles(outcome) : outcome);
    } catch (err) {
      if (descriptor.server === 'it' && failureType(err) === McpFailureType.sessionNotFound)
        return await this.callInNewSessionBeforeMcp2026Patch(call, attempt, turnLog);
      return turnLog.record(call, this.failedCall(descriptor.name, err));
    }
  }

  /**
   * The end of `runRemoteTool` in runs recorded before MCP_2026_PATCH (docs/patches.md): an ended Mcp-Session-Id
   * failed the call with McpSessionNotFound; a discovery opened a new session, and the call was made once more in it.
   */
  private async callInNewSessionBeforeMcp2026Patch(
    call: Omit<ToolCallRecord, 'summary' | 'ok'>,
    attempt: (handle?: string) => Promise<RemoteToolOutcome>,
    turnLog: TurnLog,
  ): Promise<string> {
    this.itSession.endedAtCall(turnLog);
    this.catalog.forget('it');
    await this.discover(turnLog);
    try {
      return turnLog.record(call, this.hideHandles(await attempt(this.itSession.handle)));
    } catch (err) {
      return turnLog.record(call, this.failedCall(call.tool, err));
    }
  }

  /** What the model reads of a call that failed (after its retries). */
  private failedCall(tool: string, err: unknown): RemoteToolOutcome {
    const attempts =
      failureType(err) === McpFailureType.serverUnavailable
        ? ` (gave up after ${this.input.toolCalls.maxAttempts} attempts)`
        : '';
    return { ok: false, text: `Error: ${tool} failed: ${describeFailure(err)}${attempts}` };
  }
}

function approvalOf(outcome: ApprovalOutcome): CallApproval {
  return {
    approved: outcome.approved,
    ...(outcome.by ? { by: outcome.by } : {}),
    ...(outcome.reason ? { reason: outcome.reason } : {}),
  };
}

/** The model's arguments without those the conversation supplies (the IT handle: never the model's guess). */
function visibleArguments(descriptor: RemoteToolDescriptor | undefined, args: unknown): Record<string, unknown> {
  const visible = { ...((args && typeof args === 'object' ? args : {}) as Record<string, unknown>) };
  for (const name of descriptor ? hiddenArguments(descriptor) : []) delete visible[name];
  return visible;
}

/** The arguments the conversation supplies itself and the model never sees: the IT session's handle. */
function hiddenArguments(descriptor: RemoteToolDescriptor): string[] {
  return ItSession.isUsedBy(descriptor) ? [itSessionContract.handleArgument] : [];
}
