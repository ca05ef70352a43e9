/**
 * What the planner says: the ANSWER phase (tool results rendered as a short reply, failures explained) and the plain
 * "cannot help" reply. Only what the results contain is said; nothing is invented.
 */
import type { FunctionCallResultItem } from '@openai/agents-core';
import type { ToolSpec } from './tool-spec';
import { firstSentence } from './text';

const MAX_RESULT_CHARS = 1500;
const MAX_JSON_FIELDS = 10;

export function composeAnswer(results: readonly FunctionCallResultItem[]): string {
  const parts = results.map((r) => describeResult(r));
  if (parts.length === 1) return parts[0]?.text ?? '';
  return parts.map((p) => (p.failed ? p.text : `${p.name}: ${p.text}`)).join('\n\n');
}

function describeResult(result: FunctionCallResultItem): { name: string; text: string; failed: boolean } {
  const raw = outputText(result.output).trim();
  const failure = failureReason(raw, result.status);
  if (failure !== undefined) {
    // "<tool> was not run: the user rejected it. Nothing was done." is the whole answer already, and no failure.
    const notRun = failure.startsWith(`${result.name} was not run`);
    return { name: result.name, failed: true, text: notRun ? failure : `The ${result.name} tool failed: "${failure}"` };
  }
  const text = summaryOf(raw) || `${result.name} returned no output.`;
  return { name: result.name, failed: false, text: clip(text) };
}

/** The text of a tool output: a string, `{type:'text'}`, or a list of text parts. */
export function outputText(output: FunctionCallResultItem['output']): string {
  if (typeof output === 'string') return output;
  const parts: unknown[] = Array.isArray(output) ? output : [output];
  return parts
    .map((p) => {
      if (typeof p !== 'object' || p === null) return '';
      const part = p as { type?: unknown; text?: unknown };
      if ((part.type === 'text' || part.type === 'input_text') && typeof part.text === 'string') return part.text;
      return typeof part.type === 'string' ? `[${part.type.replace(/^input_/, '')}]` : '';
    })
    .filter((t) => t.length > 0)
    .join('\n');
}

const FAILURE_PREFIXES: readonly RegExp[] = [
  /^error\b\s*:?\s*/i,
  /^[\w.-]+ failed\b\s*:?\s*/i,
  /^an error occurred while running the tool\b[^:]*:?\s*/i,
];

/**
 * The message of a failed call, or undefined when the call succeeded. Failure prefixes are peeled off, however they
 * are stacked ("Error: stock_price failed: Unknown symbol" → "Unknown symbol").
 */
function failureReason(text: string, status: FunctionCallResultItem['status']): string | undefined {
  let rest = text.trim();
  let failed = status === 'incomplete';
  for (let peeled = true; peeled;) {
    peeled = false;
    for (const prefix of FAILURE_PREFIXES) {
      const m = prefix.exec(rest);
      if (m && m[0].length > 0) {
        rest = rest.slice(m[0].length);
        failed = peeled = true;
      }
    }
  }
  if (!failed) return undefined;
  return oneLine(rest || text || 'the call did not complete');
}

/**
 * Our tools answer "<summary line(s)>\n{ ...json... }": the lines before the JSON are the answer. Output that is only
 * JSON is rendered as brief key/value pairs.
 */
function summaryOf(text: string): string {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = lines[i]?.trimStart() ?? '';
    if (!start.startsWith('{') && !start.startsWith('[')) continue;
    const json = tryParse(lines.slice(i).join('\n'));
    if (json === undefined) continue;
    const summary = lines.slice(0, i).join('\n').trim();
    return summary || renderJson(json);
  }
  return text;
}

function renderJson(value: unknown): string {
  if (Array.isArray(value))
    return `${value.length} item${value.length === 1 ? '' : 's'}${value.length ? `: ${value.slice(0, 5).map(brief).join('; ')}` : ''}`;
  if (typeof value !== 'object' || value === null) return String(value);
  return Object.entries(value)
    .slice(0, MAX_JSON_FIELDS)
    .map(([k, v]) => `${k}: ${brief(v)}`)
    .join(', ');
}

function brief(v: unknown): string {
  if (Array.isArray(v)) return `${v.length} item${v.length === 1 ? '' : 's'}`;
  if (typeof v === 'object' && v !== null) {
    return `{${Object.entries(v)
      .slice(0, 4)
      .map(([k, x]) => `${k}: ${typeof x === 'object' && x !== null ? '…' : String(x)}`)
      .join(', ')}}`;
  }
  return String(v);
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const oneLine = (s: string) => clip(s.trim().replace(/\s*\n\s*/g, ' '));
const clip = (s: string) => (s.length > MAX_RESULT_CHARS ? `${s.slice(0, MAX_RESULT_CHARS - 1)}…` : s);

/** The plain reply when no tool fits: who is speaking, what it can do, what is down, and an example. */
export interface CannotHelpContext {
  systemInstructions?: string;
  /** Requests known to work, e.g. "stock price AAPL". */
  examples: readonly string[];
  /** The tool that looked relevant but lacked required arguments. */
  closestMiss?: { name: string; missing: readonly string[] };
}

export function cannotHelp(
  tools: readonly ToolSpec[],
  { systemInstructions, examples, closestMiss }: CannotHelpContext,
): string {
  const lines = [
    "I'm the offline planner (no language model is configured), so I can only answer by calling a tool, " +
      "and I couldn't match your request to one of my tools.",
  ];
  if (closestMiss) {
    lines.push(
      `${closestMiss.name} looks relevant, but I couldn't find its ${closestMiss.missing.join(', ')} in your message.`,
    );
  }
  if (tools.length > 0) {
    lines.push(
      '',
      'Tools I can use:',
      ...tools.map((t) => `- ${t.name}${t.description ? `: ${firstSentence(t.description)}` : ''}`),
    );
  } else {
    lines.push('', 'I have no tools available right now.');
  }
  const unavailable = systemInstructions?.split('\n').find((l) => /^\s*Unavailable tool servers:/i.test(l));
  if (unavailable) lines.push('', unavailable.trim());
  if (examples.length > 0) lines.push('', `Try, for example: ${examples.map((e) => `"${e}"`).join(' or ')}.`);
  return lines.join('\n');
}
