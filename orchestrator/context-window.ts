/**
 * Keeps the model's memory within its context budget. Pure and deterministic: it runs inside the workflow.
 * A turn is a user message and everything after it up to the next user message; whole turns are dropped, oldest
 * first, so the model never sees a tool result without the call that asked for it.
 */
import type { AgentInputItem } from '@openai/agents-core';
import type { ContextPolicy } from './contract/conversation';

const CHARS_PER_TOKEN = 4;
const MAX_SUMMARY_LINES = 30;

export interface FittedContext {
  items: AgentInputItem[];
  /** Turns dropped by this call. */
  droppedTurns: number;
  /** The running digest of every dropped turn (summary strategy only). */
  summary?: string;
}

export function estimateTokens(items: AgentInputItem[]): number {
  return Math.ceil(items.reduce((n, item) => n + JSON.stringify(item).length, 0) / CHARS_PER_TOKEN);
}

function isUserMessage(item: AgentInputItem): boolean {
  return (item as { role?: string }).role === 'user';
}

export function splitTurns(items: AgentInputItem[]): AgentInputItem[][] {
  const turns: AgentInputItem[][] = [];
  for (const item of items) {
    if (isUserMessage(item) || turns.length === 0) turns.push([item]);
    else turns.at(-1)!.push(item);
  }
  return turns;
}

export function messageText(item: AgentInputItem): string {
  const content = (item as { content?: unknown }).content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('');
  }
  return '';
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** One line per dropped turn: what was asked, which tools ran, what was answered. */
function digest(turn: AgentInputItem[]): string {
  const asked = turn.find(isUserMessage);
  const tools = turn.filter((i) => i.type === 'function_call').map((i) => (i as { name: string }).name);
  const answers = turn.filter((i) => i.type === 'message' && (i as { role?: string }).role === 'assistant');
  const answer = answers.length ? messageText(answers.at(-1)!) : '(no answer)';
  const via = tools.length ? ` [tools: ${[...new Set(tools)].join(', ')}]` : '';
  return `- User: ${clip(asked ? messageText(asked) : '', 120)} → Assistant${via}: ${clip(answer, 160)}`;
}

/**
 * Fits the remembered `items` so that, with the `incoming` user message added as the newest turn, the context holds
 * at most `maxTurns` turns and about `maxTokens` tokens. The incoming turn always stays: the model needs the question.
 */
export function fitToContext(
  items: AgentInputItem[],
  policy: ContextPolicy,
  previousSummary: string | undefined,
  incoming: AgentInputItem,
): FittedContext {
  const turns = splitTurns([...items, incoming]);
  let tokens = estimateTokens(items) + estimateTokens([incoming]);
  const dropped: AgentInputItem[][] = [];
  while (turns.length > 1 && (turns.length > policy.maxTurns || tokens > policy.maxTokens)) {
    const first = turns.shift()!;
    tokens -= estimateTokens(first);
    dropped.push(first);
  }
  if (dropped.length === 0) return { items, droppedTurns: 0, summary: previousSummary };
  const kept = turns.flat();
  kept.pop(); // the incoming message: the runner adds it itself
  let summary = previousSummary;
  if (policy.strategy === 'summary') {
    const lines = [...(previousSummary ? previousSummary.split('\n') : []), ...dropped.map(digest)];
    summary = lines.slice(-MAX_SUMMARY_LINES).join('\n');
  }
  return { items: kept, droppedTurns: dropped.length, summary };
}

/**
 * The context policy's answer to a provider that found the context too long: `items` fitted to about half the
 * estimated size of `items` and `incoming` together (the incoming turn always stays), by the conversation's strategy
 * (the summary strategy digests what it drops). Both agent loops trim this way, once a turn.
 */
export function fitTighter(
  items: AgentInputItem[],
  policy: ContextPolicy,
  previousSummary: string | undefined,
  incoming: AgentInputItem,
): FittedContext {
  const budget = Math.max(1, Math.floor(estimateTokens([...items, incoming]) / 2));
  return fitToContext(items, { ...policy, maxTokens: budget }, previousSummary, incoming);
}
