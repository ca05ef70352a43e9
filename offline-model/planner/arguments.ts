/**
 * Fills a tool's arguments from the request text, guided only by each property's JSON schema: its type, name,
 * description, enum and bounds. Required properties that cannot be found make the tool unusable for this request;
 * optional ones are included only when the text names them.
 */
import { findAfterName, findIpv4, findPlace, findProjectKey, findQuoted, findSubject, findTicker } from './entities';
import { findExpression } from './expression';
import { findNumbers, type NumberMention } from './numbers';
import type { PropertyRole, PropertySpec, ToolSpec, Vocabulary } from './tool-spec';
import { identifierParts, titleCaseIfLower } from './text';

export interface ExtractionContext {
  vocabulary: Vocabulary;
  /** For an elliptical follow-up ("and msft?"): the bare words the user gave, usable as the missing value. */
  followUpResidual?: string;
}

export interface Extraction {
  args: Record<string, unknown>;
  /** Required properties no value was found for. */
  missing: string[];
}

/** Properties are filled in this order, so numbers with a clear cue ("5%", "10 years") are taken first. */
const ROLE_ORDER: readonly PropertyRole[] = [
  'enum',
  'rate',
  'years',
  'amount',
  'number',
  'expression',
  'ticker',
  'projectKey',
  'location',
  'ipAddress',
  'title',
  'body',
  'text',
  'unsupported',
];

const ENUM_ALIASES: Record<string, readonly string[]> = {
  yearly: ['annually'],
  semiannually: ['semi annually', 'biannually', 'twice a year'],
  continuously: ['continuous'],
};

export function extractArguments(tool: ToolSpec, text: string, ctx: ExtractionContext): Extraction {
  const numbers = findNumbers(text);
  const used = new Set<NumberMention>();
  const found = new Map<string, unknown>();
  const ordered = [...tool.properties].sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role));
  for (const prop of ordered) {
    const value = valueFor(prop, text, numbers, used, ctx);
    if (value !== undefined && isValid(prop, value)) found.set(prop.name, value);
  }
  const args: Record<string, unknown> = {};
  for (const prop of tool.properties) if (found.has(prop.name)) args[prop.name] = found.get(prop.name);
  return { args, missing: tool.properties.filter((p) => p.required && !found.has(p.name)).map((p) => p.name) };
}

function valueFor(
  prop: PropertySpec,
  text: string,
  numbers: NumberMention[],
  used: Set<NumberMention>,
  ctx: ExtractionContext,
): unknown {
  const take = (n: NumberMention | undefined) => {
    if (n) used.add(n);
    return n;
  };
  const free = numbers.filter((n) => !used.has(n));
  switch (prop.role) {
    case 'enum':
      return findEnumValue(text, prop.enumValues);
    case 'rate': {
      const pct = take(free.find((n) => n.percent));
      if (pct) return saysDecimal(prop.description) ? round(pct.value / 100) : pct.value;
      return take(free.find((n) => n.hasDecimalPoint && Math.abs(n.value) < 1 && !n.currency && !n.unit))?.value;
    }
    case 'years': {
      const n = take(free.find((x) => x.unit !== undefined));
      return n === undefined ? undefined : n.unit === 'month' ? round(n.value / 12) : n.value;
    }
    case 'amount': {
      const plain = free.filter((n) => !n.percent && !n.unit);
      const marked = plain.find((n) => n.currency);
      const largest = [...plain].sort((a, b) => b.value - a.value)[0];
      return take(marked ?? largest)?.value;
    }
    case 'number':
      return take(free.find((n) => !n.percent && !n.unit))?.value;
    case 'expression':
      return findExpression(text);
    case 'ticker':
      return (
        findTicker(text, ctx.vocabulary) ??
        residual(ctx, /^\$?[A-Za-z]{1,5}(?:\.[A-Za-z]{1,2})?$/, (r) => r.replace('$', '').toUpperCase())
      );
    case 'projectKey':
      return (
        findProjectKey(text, ctx.vocabulary) ?? residual(ctx, /^[A-Za-z][A-Za-z0-9]*(?:-\d+)?$/, (r) => r.toUpperCase())
      );
    case 'location':
      return (
        findPlace(text, ctx.vocabulary) ??
        residual(ctx, /^[A-Za-z][A-Za-z'-]*(?: [A-Za-z][A-Za-z'-]*){0,3}$/, titleCaseIfLower)
      );
    case 'ipAddress':
      return findIpv4(text);
    // Free text is taken only after a cue (a colon, "about", "saying"…), never from a short follow-up: a call that
    // files something is not repeated with a guessed text.
    case 'title': {
      const subject = findSubject(text) ?? findQuoted(text);
      return subject && fitTo(prop, capitalise(firstLine(subject)));
    }
    case 'body': {
      const subject = findSubject(text) ?? findQuoted(text);
      return subject && fitTo(prop, capitalise(subject));
    }
    case 'text':
      return (
        findQuoted(text) ??
        findAfterName(text, identifierParts(prop.name)) ??
        (prop.required ? ctx.followUpResidual : undefined)
      );
    case 'unsupported':
      return undefined;
  }
}

/** The first sentence or line, without its closing punctuation: "VPN is down. Since 9am." → "VPN is down". */
function firstLine(text: string): string {
  const end = /[.!?](?:\s|$)|\n/.exec(text);
  return (end ? text.slice(0, end.index) : text).trim().replace(/[.!?]+$/, '');
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Text cut to the schema's maxLength, at a word where there is one, marked with "…". */
function fitTo(prop: PropertySpec, text: string): string {
  const max = typeof prop.schema.maxLength === 'number' ? prop.schema.maxLength : undefined;
  if (max === undefined || text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

function residual(ctx: ExtractionContext, shape: RegExp, normalize: (r: string) => string): string | undefined {
  const r = ctx.followUpResidual?.trim();
  if (!r || !shape.test(r) || r.split(/\s+/).some((w) => ctx.vocabulary.has(w.replace('$', '')))) return undefined;
  return normalize(r);
}

/** "Annual interest rate as a decimal fraction: 0.05 means 5%" → the user's "5%" is sent as 0.05. */
function saysDecimal(description: string): boolean {
  return (
    /\b(?:decimal|fraction)\b/i.test(description) ||
    /\b0\.\d+\s+(?:means|is|=|for)\s+-?\d+(?:\.\d+)?\s*%/i.test(description)
  );
}

function findEnumValue(text: string, values: readonly string[]): string | undefined {
  const lower = ` ${text.toLowerCase().replace(/[_-]/g, ' ')} `;
  let best: { value: string; at: number } | undefined;
  for (const value of values) {
    const forms = [value.toLowerCase().replace(/[_-]/g, ' '), ...(ENUM_ALIASES[value.toLowerCase()] ?? [])];
    for (const form of forms) {
      const at = lower.search(new RegExp(String.raw`\b${escapeRegExp(form)}\b`));
      if (at >= 0 && (!best || at < best.at)) best = { value, at };
    }
  }
  return best?.value;
}

function isValid(prop: PropertySpec, value: unknown): boolean {
  const s = prop.schema;
  const num = (k: string) => (typeof s[k] === 'number' ? (s[k] as number) : undefined);
  if (typeof value === 'number') {
    if (prop.type === 'integer' && !Number.isInteger(value)) return false;
    const [min, max, xmin, xmax] = [num('minimum'), num('maximum'), num('exclusiveMinimum'), num('exclusiveMaximum')];
    return !(
      (min !== undefined && value < min) ||
      (max !== undefined && value > max) ||
      (xmin !== undefined && value <= xmin) ||
      (xmax !== undefined && value >= xmax)
    );
  }
  if (typeof value === 'string') {
    if (prop.enumValues.length > 0 && !prop.enumValues.includes(value)) return false;
    const [minLength, maxLength] = [num('minLength'), num('maxLength')];
    if ((minLength !== undefined && value.length < minLength) || (maxLength !== undefined && value.length > maxLength))
      return false;
    if (typeof s.pattern === 'string' && !matchesPattern(s.pattern, value)) return false;
    // One of a union's patterns ("an IPv4 or an IPv6 address"), when its variants have any.
    const patterns = (Array.isArray(s.anyOf) ? (s.anyOf as unknown[]) : [])
      .map((v) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>).pattern : undefined))
      .filter((p): p is string => typeof p === 'string');
    return patterns.length === 0 || patterns.some((p) => matchesPattern(p, value));
  }
  return true;
}

function matchesPattern(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(value);
  } catch {
    try {
      return new RegExp(pattern).test(value);
    } catch {
      return true;
    }
  }
}

const round = (x: number) => Number(x.toPrecision(12));
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
