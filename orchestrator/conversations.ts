/**
 * Starting and talking to conversations, for the chat and for tests: one workflow per conversation, one Update per
 * user turn (with an update id, so a retried send after a client crash attaches to the same turn).
 *
 * A conversation id lives in its user's scope (`conversation-<user scope>-<uuid>`): resuming someone else's id gets
 * exactly the answer for an id that never existed.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { OrchestratorConfig } from '../shared/config';
import { callerScope } from '../shared/caller-scope';
import {
  endConversationSignal,
  sendMessageUpdate,
  transcriptQuery,
  type ConversationInput,
  type TranscriptView,
  type TurnReply,
} from './shared';
import type { conversationWorkflow } from './workflows';

export type ConversationHandle = WorkflowHandle<typeof conversationWorkflow>;

export function conversationInput(config: OrchestratorConfig, overrides: Partial<ConversationInput> = {}): ConversationInput {
  return {
    model: config.llm.model,
    user: config.chatUser,
    context: config.context,
    toolCalls: { timeoutMs: config.mcpCallTimeoutMs, maxAttempts: config.mcpCallMaxAttempts },
    idleTimeoutMs: config.idleTimeoutMs,
    ...overrides,
  };
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

  async start(id: string = randomUUID()): Promise<ConversationHandle> {
    return this.client.workflow.start<typeof conversationWorkflow>('conversationWorkflow', {
      taskQueue: this.taskQueue,
      workflowId: `${this.prefix}${id}`,
      args: [this.input],
      staticSummary: `conversation of ${this.input.user ?? 'an unnamed user'} (model ${this.input.model})`,
    });
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

  transcript(handle: ConversationHandle): Promise<TranscriptView> {
    return handle.query(transcriptQuery);
  }

  end(handle: ConversationHandle, reason = 'ended by the user'): Promise<void> {
    return handle.signal(endConversationSignal, { reason });
  }
}
