/**
 * Starting and talking to conversations, for the chat and for tests: one workflow per conversation, one Update per
 * user turn (with an update id, so a retried send after a client crash attaches to the same turn). The conversation's
 * agent loop (AGENT_LOOP) picks the workflow type; both types take the same input and answer the same messages.
 *
 * A conversation id lives in its user's scope (`conversation-<user scope>-<uuid>`): resuming someone else's id gets
 * exactly the answer for an id that never existed.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { OrchestratorConfig } from '../shared/config';
import { callerScope } from '../shared/caller-scope';
import {
  type AgentLoop,
  answerApprovalUpdate,
  type ApprovalAnswer,
  endConversationSignal,
  NEXUS_IDENTITY_MEMO,
  sendMessageUpdate,
  type NexusIdentity,
  transcriptQuery,
  type ConversationInput,
  type TranscriptView,
  type TurnReply,
} from './contract/conversation';
import type { conversationWorkflow } from './workflows';

/** Either loop's conversation: both workflows take a ConversationInput and return a ConversationResult. */
export type ConversationHandle = WorkflowHandle<typeof conversationWorkflow>;

/** The workflow type that runs each agent loop. */
export const conversationWorkflowTypes = {
  'agents-sdk': 'conversationWorkflow',
  manual: 'manualConversationWorkflow',
} as const satisfies Record<AgentLoop, string>;

/** The loop a conversation runs, from its workflow type; undefined for a type that is no conversation. */
export function agentLoopOf(workflowType: string): AgentLoop | undefined {
  return (Object.keys(conversationWorkflowTypes) as AgentLoop[]).find(
    (loop) => conversationWorkflowTypes[loop] === workflowType,
  );
}

/** Model calls of the manual loop's planning activity: as many attempts as the Agents SDK plugin gives its model calls. */
const MODEL_CALL_ATTEMPTS = 3;

export function conversationInput(
  config: OrchestratorConfig,
  overrides: Partial<ConversationInput> = {},
): ConversationInput {
  const input: ConversationInput = {
    model: config.llm.model,
    agentLoop: config.agentLoop,
    user: config.chatUser,
    context: config.context,
    toolCalls: { timeoutMs: config.mcpCallTimeoutMs, maxAttempts: config.mcpCallMaxAttempts },
    toolTransport: config.toolTransport,
    ...(config.toolTransport === 'nexus' ? { nexusEndpoints: config.nexusEndpoints } : {}),
    idleTimeoutMs: config.idleTimeoutMs,
    approvalExpiryMs: config.approvalExpiryMs,
    ...overrides,
  };
  // The Agents SDK loop takes its model-call policy from the plugin; the manual loop's planning activity from here.
  if (input.agentLoop === 'manual')
    input.modelCalls ??= { timeoutMs: config.modelTimeoutMs, maxAttempts: MODEL_CALL_ATTEMPTS };
  return input;
}

export class Conversations {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly input: ConversationInput,
  ) {}

  /** This user's prefix of conversation workflow ids. */
  private get prefix(): string {
    return `conversation-${callerScope(this.input.user)}-`;
  }

  /** The loop new conversations run. */
  get agentLoop(): AgentLoop {
    return this.input.agentLoop ?? 'agents-sdk';
  }

  async start(id: string = randomUUID()): Promise<ConversationHandle> {
    return this.client.workflow.start<typeof conversationWorkflow>(conversationWorkflowTypes[this.agentLoop], {
      taskQueue: this.taskQueue,
      workflowId: `${this.prefix}${id}`,
      args: [this.input],
      // Whose its Nexus operations are (orchestrator/nexus-identity.ts): the user's, as caller and as the person served.
      ...(this.input.user
        ? {
            memo: {
              [NEXUS_IDENTITY_MEMO]: { caller: this.input.user, onBehalfOf: this.input.user } satisfies NexusIdentity,
            },
          }
        : {}),
      staticSummary: `conversation of ${this.input.user ?? 'an unnamed user'} (model ${this.input.model}, ${this.agentLoop} loop, tools over ${this.input.toolTransport ?? 'mcp'})`,
    });
  }

  /** The loop a running conversation was started with (a resumed one may differ from this client's AGENT_LOOP). */
  async agentLoopOf(handle: ConversationHandle): Promise<AgentLoop | undefined> {
    return agentLoopOf((await handle.describe()).type);
  }

  /**
   * A running conversation of this user, by the id the chat printed (its workflow id) or the uuid part of it. Throws
   * WorkflowNotFoundError, with one message whether it never existed, has ended or is another user's.
   */
  async resume(id: string): Promise<ConversationHandle> {
    const notFound = () => new WorkflowNotFoundError(`no running conversation ${id}`, id, undefined);
    const workflowId = id.startsWith('conversation-') ? id : `${this.prefix}${id}`;
    if (!workflowId.startsWith(this.prefix)) throw notFound();
    const handle = this.client.workflow.getHandle<typeof conversationWorkflow>(workflowId);
    try {
      const { status } = await handle.describe();
      if (status.name !== 'RUNNING') throw notFound();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound();
      throw err;
    }
    return handle;
  }

  send(handle: ConversationHandle, text: string, updateId: string = randomUUID()): Promise<TurnReply> {
    return handle.executeUpdate(sendMessageUpdate, { args: [{ text }], updateId });
  }

  /** A person's answer to a pending approval: the rest of the turn comes back (or the next question). */
  answer(handle: ConversationHandle, answer: ApprovalAnswer, updateId: string = randomUUID()): Promise<TurnReply> {
    return handle.executeUpdate(answerApprovalUpdate, { args: [{ ...answer, by: this.input.user }], updateId });
  }

  transcript(handle: ConversationHandle): Promise<TranscriptView> {
    return handle.query(transcriptQuery);
  }

  end(handle: ConversationHandle, reason = 'ended by the user'): Promise<void> {
    return handle.signal(endConversationSignal, { reason });
  }
}
