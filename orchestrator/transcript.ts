/**
 * What a conversation records for people: the transcript (workflow state, shown by the `transcript` Query) and, per
 * turn, the tool calls and notices its reply carries. Workflow code: the clock is Temporal's.
 */
import { patched } from '@temporalio/workflow';
import type { ToolOutcome } from './contract/activities';
import { BOUNDED_STATE_PATCH } from './patches';
import { MAX_TRANSCRIPT_ENTRIES, type ToolCallRecord, type TranscriptEntry } from './contract/conversation';
import {
  capText,
  firstLine,
  MAX_ARGUMENT_CHARS,
  MAX_CALLS_PER_TURN_KEPT,
  MAX_ENTRY_CHARS,
  MAX_RESULT_CHARS,
  MAX_TRANSCRIPT_CHARS,
} from './state-bounds';

export function now(): string {
  return new Date().toISOString(); // Temporal's deterministic clock inside a workflow
}

const ARCHIVED = "Older transcript entries were dropped, to keep the conversation's state within its bounds.";

/** JSON size of each entry, computed once per entry object (a cache: the same answer without it). */
const sizes = new WeakMap<TranscriptEntry, number>();
function sizeOf(entry: TranscriptEntry): number {
  let size = sizes.get(entry);
  if (size === undefined) sizes.set(entry, (size = JSON.stringify(entry).length));
  return size;
}

/** An entry with its texts and tool calls clipped to the bounds (user messages are bounded by the Update already). */
function clipped(entry: TranscriptEntry): TranscriptEntry {
  if (entry.kind === 'user') return { ...entry, text: capText(entry.text, MAX_ENTRY_CHARS) };
  if (entry.kind === 'notice') return { ...entry, text: capText(entry.text, MAX_ENTRY_CHARS) };
  if (entry.kind === 'approval') {
    const json = JSON.stringify(entry.arguments) ?? '';
    return {
      ...entry,
      why: capText(entry.why, MAX_ENTRY_CHARS),
      ...(json.length > MAX_ARGUMENT_CHARS ? { arguments: { clipped: capText(json, MAX_ARGUMENT_CHARS) } } : {}),
    };
  }
  return {
    ...entry,
    text: capText(entry.text, MAX_ENTRY_CHARS),
    toolCalls: entry.toolCalls.slice(0, MAX_CALLS_PER_TURN_KEPT).map(clippedCall),
  };
}

function clippedCall(call: ToolCallRecord): ToolCallRecord {
  const json = JSON.stringify(call.arguments) ?? '';
  return json.length <= MAX_ARGUMENT_CHARS ? call : { ...call, arguments: capText(json, MAX_ARGUMENT_CHARS) };
}

export class Transcript {
  /** `entries` is the conversation state's own array, so continue-as-new carries what is added here. */
  constructor(private readonly entries: TranscriptEntry[]) {}

  add(entry: TranscriptEntry): void {
    if (!patched(BOUNDED_STATE_PATCH)) return this.addBeforeBoundedStatePatch(entry);
    this.entries.push(clipped(entry));
    this.trim();
  }

  /** `add` in runs started before BOUNDED_STATE_PATCH (docs/patches.md): entries kept whole, only their number capped. */
  private addBeforeBoundedStatePatch(entry: TranscriptEntry): void {
    this.entries.push(entry);
    const excess = this.entries.length - MAX_TRANSCRIPT_ENTRIES;
    if (excess > 0) {
      const text = `${excess + 1} older transcript entries were archived out of the workflow state.`;
      this.entries.splice(0, excess + 1, { kind: 'notice', at: now(), text });
    }
  }

  /** Drops the oldest entries (after one notice saying so) until count and size are within the bounds. */
  private trim(): void {
    let total = this.entries.reduce((n, e) => n + sizeOf(e), 0);
    let drop = 0;
    const over = () => this.entries.length - drop > MAX_TRANSCRIPT_ENTRIES || total > MAX_TRANSCRIPT_CHARS;
    if (!over()) return;
    const first = this.entries[0];
    if (first?.kind !== 'notice' || first.text !== ARCHIVED) {
      const notice: TranscriptEntry = { kind: 'notice', at: now(), text: ARCHIVED };
      this.entries.unshift(notice);
      total += sizeOf(notice);
    }
    // The notice stays first and the newest entry stays last.
    while (1 + drop < this.entries.length - 1 && over()) total -= sizeOf(this.entries[1 + drop++]!);
    this.entries.splice(1, drop);
  }
}

/** One turn's tool calls and notices, for its reply; each notice goes into the transcript too. */
export class TurnLog {
  readonly calls: ToolCallRecord[] = [];
  readonly notices: string[] = [];

  constructor(private readonly transcript: Transcript) {}

  notice(text: string): void {
    this.notices.push(text);
    this.transcript.add({ kind: 'notice', text, at: now() });
  }

  /** Records a finished tool call and returns what the model reads of it (capped, since `bounded-conversation-state`). */
  record(call: Omit<ToolCallRecord, 'summary' | 'ok'>, outcome: ToolOutcome): string {
    if (!patched(BOUNDED_STATE_PATCH)) return this.recordBeforeBoundedStatePatch(call, outcome);
    if (this.calls.length < MAX_CALLS_PER_TURN_KEPT)
      this.calls.push(clippedCall({ ...call, ok: outcome.ok, summary: firstLine(outcome.text) }));
    return capText(outcome.text, MAX_RESULT_CHARS);
  }

  /** `record` in runs started before BOUNDED_STATE_PATCH (docs/patches.md): every call kept, the result whole. */
  private recordBeforeBoundedStatePatch(call: Omit<ToolCallRecord, 'summary' | 'ok'>, outcome: ToolOutcome): string {
    this.calls.push({ ...call, ok: outcome.ok, summary: firstLine(outcome.text) });
    return outcome.text;
  }
}
