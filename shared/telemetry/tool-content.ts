/**
 * What a `tools/call` span may say about the call's arguments and result when content capture is on
 * (OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT): the semantic conventions' opt-in `gen_ai.tool.call.arguments`
 * and `gen_ai.tool.call.result`, as JSON strings (span attributes cannot hold objects), each at most
 * TOOL_CONTENT_MAX_CHARS long.
 *
 * Redacted before anything is serialised: a value under a key that names a session handle, task id, idempotency key
 * or secret is replaced, whatever its depth, by `sha256:<first 16 hex>` of it. The hash still lets a reader see that two
 * calls used the same session, without the handle, which is a bearer capability. A secret value learnt that way is
 * also replaced wherever else it turns up in the same call's content, such as inside a result's summary text.
 */
import { createHash } from 'node:crypto';

export const toolContentAttributes = {
  arguments: 'gen_ai.tool.call.arguments',
  result: 'gen_ai.tool.call.result',
} as const;

/** A bound per attribute: a large result must not bloat every span (backends cap or drop big attributes). */
export const TOOL_CONTENT_MAX_CHARS = 4096;

/** Keys compared without case, `_` or `-`: session_id, sessionId, idempotency-key, taskId, … */
const HANDLE_KEYS = new Set(['sessionid', 'handle', 'idempotencykey', 'taskid']);
const SECRET_KEY = /token|secret|password|passwd|api[_-]?key|authorization|cookie|credential/i;

/** Shorter values are not looked for inside other strings: too likely to match by chance. */
const MIN_SCRUB_LENGTH = 8;

export function isSensitiveKey(key: string): boolean {
  return HANDLE_KEYS.has(key.toLowerCase().replace(/[_-]/g, '')) || SECRET_KEY.test(key);
}

export function hashed(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `sha256:${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
}

/**
 * Redacts and serialises the content of one tool call. One instance per span: the secrets found in the arguments are
 * then also scrubbed from the result.
 */
export class ToolContentRedactor {
  private readonly secrets = new Map<string, string>();

  /** The arguments as they may be recorded. */
  arguments(args: unknown): string {
    return this.serialise(args);
  }

  /**
   * A result as it may be recorded: its `structuredContent` when it has one, else its text blocks (parsed when they are
   * one JSON document, so the keys are redacted too). Undefined for a result with nothing to record.
   */
  result(result: { structuredContent?: unknown; content?: unknown } | undefined): string | undefined {
    if (!result) return undefined;
    if (result.structuredContent !== undefined) return this.serialise(result.structuredContent);
    const texts = Array.isArray(result.content)
      ? result.content.flatMap((block: { type?: unknown; text?: unknown }) =>
          block?.type === 'text' && typeof block.text === 'string' ? [block.text] : [],
        )
      : [];
    if (texts.length === 0) return undefined;
    const text = texts.join('\n');
    return this.serialise(parsedJson(text) ?? text);
  }

  private serialise(value: unknown): string {
    let json: string;
    try {
      json = JSON.stringify(this.redact(value, new WeakSet())) ?? 'null';
    } catch {
      json = JSON.stringify('[unserialisable]');
    }
    for (const [secret, hash] of this.secrets) json = json.replaceAll(secret, hash);
    return truncated(json);
  }

  private redact(value: unknown, seen: WeakSet<object>): unknown {
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return '[circular]';
    seen.add(value);
    if (Array.isArray(value)) return value.map((item) => this.redact(item, seen));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = isSensitiveKey(key) && item !== null && item !== undefined ? this.hide(item) : this.redact(item, seen);
    }
    return out;
  }

  private hide(value: unknown): string {
    const hash = hashed(value);
    if (typeof value === 'string' && value.length >= MIN_SCRUB_LENGTH) {
      // As the value appears inside serialised JSON (escaped), since that is where it is looked for.
      this.secrets.set(JSON.stringify(value).slice(1, -1), hash);
    }
    return hash;
  }
}

function parsedJson(text: string): object | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    return parsed !== null && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** At most TOOL_CONTENT_MAX_CHARS, marker included; the marker says how long the whole was. */
export function truncated(text: string): string {
  if (text.length <= TOOL_CONTENT_MAX_CHARS) return text;
  const marker = `…[truncated: ${text.length} chars]`;
  let end = TOOL_CONTENT_MAX_CHARS - marker.length;
  // Never split a surrogate pair.
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return text.slice(0, end) + marker;
}
