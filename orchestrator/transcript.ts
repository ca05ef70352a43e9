/**
 * What a conversation records for people: the transcript (workflow state, shown by the `transcript` Query) and, per
 * turn, the tool calls and notices its reply carries. Workflow code: the clock is Temporal's.
 */
import type { ToolOutcome } from './activities';
import { MAX_TRANSCRIPT_ENTRIES, type ToolCallRecord, type TranscriptEntry } from './shared';

export function now(): string {
  return new Date().toISOString(); // Temporal's deterministic clock inside a workflow
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim()) ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

export class Transcript {
  /** `entries` is the conversation state's own array, so continue-as-new carries what is added here. */
  constructor(private readonly entries: TranscriptEntry[]) {}

  add(entry: TranscriptEntry): void {
    this.entries.push(entry);
    const excess = this.entries.length - MAX_TRANSCRIPT_ENTRIES;
    if (excess > 0) {
      const text = `${excess + 1} older transcript entries were archived out of the workflow state.`;
      this.entries.splice(0, excess + 1, { kind: 'notice', at: now(), text });
    }
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

  /** Records a finished tool call and returns what the model reads of it. */
  record(call: Omit<ToolCallRecord, 'summary' | 'ok'>, outcome: ToolOutcome): string {
    this.calls.push({ ...call, ok: outcome.ok, summary: firstLine(outcome.text) });
    return outcome.text;
  }
}
