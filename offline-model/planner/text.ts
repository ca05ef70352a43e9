/**
 * Word-level text helpers for the offline planner: tokenizing, crude stemming and fuzzy term matching. Pure
 * functions over strings, no state.
 */

/** Function words that carry no intent of their own. Intent words such as "what" or "show" are not here. */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a an the of for to in on at by with from into onto about as up down out off is are was were be been being am ' +
    'it its this that these those there here me my mine i you your yours we our ours us he him his she her they them their ' +
    'and or but if so do does did done doing have has had having please can could would should will shall may might must ' +
    'just also some any much many very too now today currently right hey hi hello thanks thank let lets know want need ' +
    'like would id im ive ill youre whats hows wheres whos s t d ll ve re m'
  ).split(' '),
);

/** Lower-case word tokens; contractions are reduced to their head word ("what's" → "what"). */
export function words(text: string): string[] {
  const normalized = text
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .toLowerCase()
    .replace(/'(?:s|re|ve|ll|d|m|t)\b/g, '');
  return normalized.match(/[a-z0-9]+/g) ?? [];
}

/** Splits an identifier such as `get_ip_history` or `getIpHistory` into lower-case parts. */
export function identifierParts(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .map((p) => p.toLowerCase())
    .filter((p) => p.length > 0);
}

/** Crude suffix stripping: plurals, -ing, -ed. Good enough to make "tracked", "tracking" and "track" meet. */
export function stem(word: string): string {
  const w = word.toLowerCase();
  if (w.length <= 2) return w;
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 5 && w.endsWith('ing')) return undouble(w.slice(0, -3));
  if (w.length > 4 && w.endsWith('ed')) return undouble(w.slice(0, -2));
  if (/(?:ss|us|is)$/.test(w)) return w;
  if (w.length > 4 && /(?:ches|shes|xes|sses)$/.test(w)) return w.slice(0, -2);
  if (w.endsWith('s')) return w.slice(0, -1);
  return w;
}

function undouble(s: string): string {
  return /([b-df-hj-np-tv-z])\1$/.test(s) && !/(?:ll|ss)$/.test(s) ? s.slice(0, -1) : s;
}

/** Whether two stems name the same thing: equal, sharing a 5-character prefix, or one a near-prefix of the other. */
export function termsMatch(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length >= 5 && long.startsWith(short.slice(0, 5))) return true;
  return short.length >= 4 && long.length - short.length <= 2 && long.startsWith(short);
}

/** "new york" → "New York"; text that already has capitals is left as typed. */
export function titleCaseIfLower(phrase: string): string {
  if (/[A-Z]/.test(phrase)) return phrase;
  return phrase.replace(/(^|[\s-])([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase());
}

/** Number of whitespace-separated words. */
export function wordCount(text: string): number {
  return text
    .trim()
    .split(/\s+/)
    .filter((w) => /[A-Za-z0-9]/.test(w)).length;
}

/** The first sentence of a description. */
export function firstSentence(text: string): string {
  const trimmed = text.trim();
  const m = /^(.+?[.!?])(?:\s|$)/s.exec(trimmed);
  return (m?.[1] ?? trimmed).replace(/\s+/g, ' ');
}
