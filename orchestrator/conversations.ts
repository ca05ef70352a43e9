/**
 * Starting and talking to conversations, for the chat and for tests: one workflow per conversation, one Update per
 * user turn (with an update id, so a retried send after a client crash attaches to the same turn).
 */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { OrchestratorConfig } from '../shared/config';
import {
  conversationWorkflowId,
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

  async start(id: string = randomUUID()): Promise<ConversationHandle> {
    return this.client.workflow.start<typeof conversationWorkflow>('conversationWorkflow', {
      taskQueue: this.taskQueue,
      workflowId: conversationWorkflowId(id),
      args: [this.input],
      staticSummary: `conversation of ${this.input.user ?? 'an unnamed user'} (model ${this.input.model})`,
    });
  }

  /** An existing conversation (its latest run); throws WorkflowNotFoundError when there is none. */
  async resume(workflowId: string): Promise<ConversationHandle> {
    const handle = this.client.workflow.getHandle<typeof conversationWorkflow>(workflowId);
    const { status } = await handle.describe();
    if (status.name !== 'RUNNING') throw new WorkflowNotFoundError(`conversation ${workflowId} is ${status.name.toLowerCase()}`, workflowId, undefined);
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
