/**
 * Reads the conversation the SDK sends: the latest user message, the tool calls and results since it, and the last
 * tool calls before it (for follow-ups such as "and MSFT?").
 */
import type { AgentInputItem, FunctionCallItem, FunctionCallResultItem } from '@openai/agents-core';

export interface PreviousCall {
  name: string;
  args: Record<string, unknown>;
}

/**
 * How much of the latest user message the planner reads: the orchestrator's own message limit. A word matcher has
 * nothing to gain from more, and each call's work stays bounded whatever a caller of the model sends.
 */
export const MAX_USER_TEXT_CHARS = 8000;

export interface Conversation {
  /** Items in the input; call ids are derived from it so they stay unique across turns. */
  itemCount: number;
  userText: string;
  /** Results answering calls made after the latest user message: present means it is time to answer. */
  results: FunctionCallResultItem[];
  /** Tool calls made before the latest user message, most recent first, one per tool. */
  previousCalls: PreviousCall[];
}

export function readConversation(input: string | AgentInputItem[]): Conversation {
  if (typeof input === 'string')
    return { itemCount: 1, userText: input.slice(0, MAX_USER_TEXT_CHARS), results: [], previousCalls: [] };
  const userIndex = findLastIndex(input, isUserMessage);
  const latest = input[userIndex];
  const userText = latest && isUserMessage(latest) ? messageText(latest.content).slice(0, MAX_USER_TEXT_CHARS) : '';
  const after = input.slice(userIndex + 1);
  const callIds = new Set(after.filter(isFunctionCall).map((c) => c.callId));
  const results = after.filter(
    (i): i is FunctionCallResultItem => i.type === 'function_call_result' && callIds.has(i.callId),
  );
  const before = userIndex < 0 ? [] : input.slice(0, userIndex);
  const previousCalls: PreviousCall[] = [];
  for (const call of before.filter(isFunctionCall).reverse()) {
    if (!previousCalls.some((p) => p.name === call.name))
      previousCalls.push({ name: call.name, args: parseArgs(call.arguments) });
  }
  return { itemCount: input.length, userText, results, previousCalls };
}

type UserMessage = Extract<AgentInputItem, { role: 'user' }>;

function isUserMessage(item: AgentInputItem): item is UserMessage {
  return 'role' in item && item.role === 'user' && (item.type === undefined || item.type === 'message');
}

function isFunctionCall(item: AgentInputItem): item is FunctionCallItem {
  return item.type === 'function_call';
}

function messageText(content: UserMessage['content']): string {
  if (typeof content === 'string') return content;
  return content
    .map((part) => (part.type === 'input_text' ? part.text : ''))
    .filter((t) => t.length > 0)
    .join('\n');
}

function parseArgs(json: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(json);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function findLastIndex<T>(xs: readonly T[], pred: (x: T) => boolean): number {
  for (let i = xs.length - 1; i >= 0; i--) if (pred(xs[i] as T)) return i;
  return -1;
}
