/**
 * The manual loop's history as Chat Completions messages: the system prompt, then each user message, assistant
 * message, tool call and tool result in order. Consecutive tool calls (and the assistant text just before them) make
 * one assistant message, as the model sent them. Pure; runs in the planning activity.
 */
import type { AgentInputItem } from '@openai/agents-core';
import type {
  ChatCompletionMessageParam,
  ChatCompletionMessageFunctionToolCall,
} from 'openai/resources/chat/completions';

type AssistantMessage = Extract<ChatCompletionMessageParam, { role: 'assistant' }>;

/** The text of a message's or a tool result's content: a string, or its text parts joined. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  const parts: unknown[] = Array.isArray(content) ? content : [content];
  return parts
    .map((p) =>
      p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string'
        ? (p as { text: string }).text
        : '',
    )
    .filter(Boolean)
    .join('\n');
}

export function toChatMessages(instructions: string, history: readonly AgentInputItem[]): ChatCompletionMessageParam[] {
  const messages: ChatCompletionMessageParam[] = [{ role: 'system', content: instructions }];
  // The assistant message that tool calls join: the one just added, until anything else comes between.
  let open: AssistantMessage | undefined;
  for (const item of history) {
    const i = item as {
      type?: string;
      role?: string;
      content?: unknown;
      callId?: string;
      name?: string;
      arguments?: string;
      output?: unknown;
    };
    if (i.type === 'function_call') {
      const call: ChatCompletionMessageFunctionToolCall = {
        id: i.callId!,
        type: 'function',
        function: { name: i.name!, arguments: i.arguments || '{}' },
      };
      if (!open) {
        open = { role: 'assistant', content: null };
        messages.push(open);
      }
      open.tool_calls = [...(open.tool_calls ?? []), call];
      continue;
    }
    open = undefined;
    if (i.type === 'function_call_result')
      messages.push({ role: 'tool', tool_call_id: i.callId!, content: contentText(i.output) });
    else if (i.role === 'user') messages.push({ role: 'user', content: contentText(i.content) });
    else if (i.role === 'assistant') {
      open = { role: 'assistant', content: contentText(i.content) };
      messages.push(open);
    } else if (i.role === 'system') messages.push({ role: 'system', content: contentText(i.content) });
    else
      throw new Error(`the manual loop's history holds an item it cannot send: ${JSON.stringify(item).slice(0, 200)}`);
  }
  return messages;
}
