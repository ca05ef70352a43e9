/**
 * What one conversation keeps, bounded. Its state (transcript, background tasks, the model's memory) is workflow
 * state that continue-as-new carries as one payload, and Temporal refuses a payload over 2 MB: a conversation whose
 * state grew past that could not continue, and stopped answering. With these bounds the transcript and the tasks stay
 * well under 1 MB together. Pure and deterministic: workflow code.
 */

/** A tool result as the model reads it (about 4,000 tokens). */
export const MAX_RESULT_CHARS = 16_000;
/** A finished background task's result as the task keeps it (check_task adds a line about the task). */
export const MAX_TASK_RESULT_CHARS = 12_000;
/** Finished background tasks kept with their results for check_task; older ones are dropped, oldest first. */
export const MAX_FINISHED_TASKS = 20;
/** Ids of dropped tasks kept so that check_task can say "finished and no longer kept" rather than "unknown". */
export const MAX_DROPPED_TASK_IDS = 200;
/** Background tasks running at once in one conversation; a start beyond it is refused with a tool error. */
export const MAX_RUNNING_TASKS = 20;
/** The transcript's total size (JSON characters); the oldest entries are archived first. */
export const MAX_TRANSCRIPT_CHARS = 400_000;
/** One transcript entry's text (an assistant reply, a notice); user messages are already at most 8,000. */
export const MAX_ENTRY_CHARS = 16_000;
/** The model's arguments of one tool call as the transcript keeps them (JSON characters). */
export const MAX_ARGUMENT_CHARS = 2_000;
/** Tool calls of one turn recorded in its reply and the transcript (each model response may ask for many). */
export const MAX_CALLS_PER_TURN_KEPT = 100;

/**
 * `text` if it fits in `max` characters; else its beginning (where tools put their summary line), ending with a
 * note that says it was truncated and how long the whole was. The result is at most `max` characters.
 */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = `\n… [truncated: the whole result was ${text.length} characters]`;
  let head = text.slice(0, Math.max(0, max - note.length));
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1); // never half a surrogate pair
  return head + note;
}

/** The first non-empty line of `text`, at most 200 characters. */
export function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim()) ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
