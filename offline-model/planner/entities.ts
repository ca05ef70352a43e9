/**
 * Named things in a request: ticker symbols, Jira-style project keys, places and quoted text. Words of the tools' own
 * vocabulary (IP, ROI, Jira, weather…) and plain English are never taken for a name, except the word a request
 * names as a project ("project to DATA", "project DATA").
 */
import type { Vocabulary } from './tool-spec';
import { INTENT_WORDS } from './intents';
import { STOPWORDS, titleCaseIfLower } from './text';

/** Well-known company names people use instead of tickers. */
const COMPANY_TICKERS: Record<string, string> = {
  apple: 'AAPL',
  microsoft: 'MSFT',
  google: 'GOOGL',
  alphabet: 'GOOGL',
  amazon: 'AMZN',
  tesla: 'TSLA',
  nvidia: 'NVDA',
  meta: 'META',
  facebook: 'META',
  ibm: 'IBM',
  netflix: 'NFLX',
};

/** Words after which a place name ends. */
const PLACE_END: ReadonlySet<string> = new Set(
  (
    'today now right tonight tomorrow currently please this these and then like with on at in for is are was will ' +
    'would be weather temperature forecast outside there'
  ).split(' '),
);

const shouting = (text: string) => !/[a-z]/.test(text) && /[A-Z]{2}/.test(text);

export function findTicker(text: string, vocabulary: Vocabulary): string | undefined {
  const dollar = /(?:^|[^\w$])\$([A-Za-z]{1,5}(?:\.[A-Za-z]{1,2})?)\b/.exec(text);
  if (dollar?.[1]) return dollar[1].toUpperCase();
  if (!shouting(text)) {
    for (const m of text.matchAll(/(?<![\w.$-])([A-Z]{1,5}(?:\.[A-Z]{1,2})?)(?![\w-])/g)) {
      const token = m[1] ?? '';
      if (token.length > 1 && !vocabulary.has(token)) return token;
    }
  }
  const lower = text.toLowerCase();
  for (const m of lower.matchAll(/[a-z]+/g)) {
    const ticker = COMPANY_TICKERS[m[0]];
    if (ticker) return ticker;
  }
  for (const m of lower.matchAll(/\b(?:of|for)\s+([a-z]{1,5}(?:\.[a-z]{1,2})?)(?![\w-])/g)) {
    const token = m[1] ?? '';
    if (token.length > 1 && !vocabulary.has(token)) return token.toUpperCase();
  }
  return undefined;
}

export function findProjectKey(text: string, vocabulary: Vocabulary): string | undefined {
  const filler = String.raw`((?:\s+(?:key|code|is|to|=|:|as|called|named|of))*)`;
  for (const m of text.matchAll(new RegExp(String.raw`\bproject${filler}\s+([A-Za-z][A-Za-z0-9]*(?:-\d+)?)\b`, 'gi'))) {
    const candidate = m[2] ?? '';
    const word = candidate.replace(/-\d+$/, '');
    if (candidate.length < 2) continue;
    const namedAsKey = assignsName(m[1] ?? '') || (/^[A-Z][A-Z0-9]+$/.test(word) && !shouting(text));
    if (!vocabulary.has(word) || (namedAsKey && !plainWord(word))) return candidate.toUpperCase();
  }
  const issueKey = /(?<![\w-])([A-Z][A-Z0-9]{1,9}-\d+)(?![\w-])/.exec(text);
  if (issueKey?.[1]) return issueKey[1];
  if (shouting(text)) return undefined;
  for (const m of text.matchAll(/(?<![\w.$-])([A-Z][A-Z0-9]{1,9})(?![\w-])/g)) {
    const token = m[1] ?? '';
    if (!vocabulary.has(token)) return token;
  }
  return undefined;
}

/**
 * "project to DATA", "project named data", "project DATA": after such words, or in capitals right after "project",
 * the word is the key even when a tool description uses it too ("sample data"), unless it is plain English or an
 * intent word ("project to the…", "project to show").
 */
function assignsName(filler: string): boolean {
  return /\b(?:to|called|named|key|code)\b|[=:]/i.test(filler);
}

function plainWord(word: string): boolean {
  const lower = word.toLowerCase();
  return STOPWORDS.has(lower) || INTENT_WORDS.has(lower);
}

/** The place after "in/for/at" ("weather in new york today" → "New York"), else a capitalised name. */
export function findPlace(text: string, vocabulary: Vocabulary): string | undefined {
  for (const m of text.matchAll(/\b(?:in|for|at)\s+([^?!.,;:()]+)/gi)) {
    const place = placePhrase(m[1] ?? '', vocabulary);
    if (place) return titleCaseIfLower(place);
  }
  return capitalisedName(text, vocabulary);
}

function placePhrase(rest: string, vocabulary: Vocabulary): string | undefined {
  const taken: string[] = [];
  const all = rest.trim().split(/\s+/);
  for (const [i, word] of all.entries()) {
    const lower = word.toLowerCase();
    if (taken.length === 0 && lower === 'the') continue;
    // "Trinidad and Tobago": "and" between capitalised words belongs to the name.
    const joinsNames = lower === 'and' && /^[A-Z]/.test(taken.at(-1) ?? '') && /^[A-Z]/.test(all[i + 1] ?? '');
    if ((PLACE_END.has(lower) && !joinsNames) || taken.length === 4) break;
    taken.push(word);
  }
  if (taken.length === 0 || taken.some((w) => /\d/.test(w))) return undefined;
  const first = taken[0] ?? '';
  if (!/^[A-Za-z]/.test(first) || taken.every((w) => vocabulary.has(w))) return undefined;
  // A known first word is no place, unless it opens a run of Capitalised Words: "New York" although a tool
  // description says "a new session".
  const capitalisedRun = taken.length > 1 && taken.every((w) => /^[A-Z]/.test(w));
  if (vocabulary.has(first) && !capitalisedRun) return undefined;
  return taken.join(' ');
}

/**
 * A run of Capitalised Words that are not plain English ("Paris", "New York"). A single capitalised word opening the
 * sentence counts only when it is not followed by a pronoun or article ("Write me a poem" is no place).
 */
function capitalisedName(text: string, vocabulary: Vocabulary): string | undefined {
  for (const m of text.matchAll(/(?<![\w'])([A-Z][a-z]+(?:[ -][A-Z][a-z]+)*)(?![\w'])/g)) {
    const phrase = m[1] ?? '';
    const parts = phrase.split(/[ -]/);
    const firstName = parts.findIndex((p) => !vocabulary.has(p));
    if (firstName < 0) continue;
    const rest = parts.slice(firstName);
    const end = rest.findIndex((p) => vocabulary.has(p));
    const kept = end < 0 ? rest : rest.slice(0, end);
    const before = text.slice(0, m.index);
    const opensSentence = firstName === 0 && (before.trim() === '' || /[.!?]\s*$/.test(before));
    const next =
      text
        .slice(m.index + phrase.length)
        .trim()
        .split(/\s+/)[0]
        ?.toLowerCase() ?? '';
    if (opensSentence && kept.length === 1 && /^(?:me|us|a|an|the|my|our|it|you|your|some|this|that)$/.test(next))
      continue;
    return kept.join(' ');
  }
  return undefined;
}

/** Text in quotes: "…", '…' or “…”. */
export function findQuoted(text: string): string | undefined {
  const m = /"([^"]+)"|\u201c([^\u201d]+)\u201d|(?<!\w)'([^']+)'(?!\w)/.exec(text);
  return (m?.[1] ?? m?.[2] ?? m?.[3])?.trim() || undefined;
}

/** The words after a property's name: "name Foo Bar" → "Foo Bar". */
export function findAfterName(text: string, nameWords: string[]): string | undefined {
  if (nameWords.length === 0) return undefined;
  const re = new RegExp(
    String.raw`\b${nameWords.join(String.raw`[\s_-]+`)}(?:\s+(?:is|to|=|:|of|as))?\s+([^?!.,;]+)`,
    'i',
  );
  const rest = re.exec(text)?.[1]?.trim().split(/\s+/).slice(0, 3) ?? [];
  const kept: string[] = [];
  for (const w of rest) {
    if (STOPWORDS.has(w.toLowerCase())) break;
    kept.push(w);
  }
  return kept.length > 0 ? kept.join(' ') : undefined;
}

/**
 * Where the free text of a request starts: after its first colon ("File a Jira issue: VPN is down"; not one inside a
 * time such as 9:30 or a URL) or after "about", "saying", "regarding", "titled"… ("raise an issue saying the wifi is
 * slow"), whichever comes first. "what about …" and "how about …" are follow-ups, not a subject. Undefined when the
 * request has no such cue.
 */
export function subjectStart(text: string): { cue: number; start: number } | undefined {
  let best: { cue: number; start: number } | undefined;
  for (const m of text.matchAll(/:/g)) {
    const before = text[m.index - 1] ?? '';
    const after = text[m.index + 1] ?? '';
    if ((/\d/.test(before) && /\d/.test(after)) || after === '/') continue;
    best = { cue: m.index, start: m.index + 1 };
    break;
  }
  const word =
    // The look-behind runs only where "about" matched, so no whitespace run is scanned from each of its characters.
    /\b(?:about(?<!\b(?:what|how)\s+about)|regarding|concerning|saying|titled|(?:that|which)\s+says)\s+(?:that\s+)?/i.exec(
      text,
    );
  if (word && (!best || word.index < best.cue)) best = { cue: word.index, start: word.index + word[0].length };
  return best;
}

/** The free text of a request (see `subjectStart`), without enclosing quotes; undefined when there is none. */
export function findSubject(text: string): string | undefined {
  const at = subjectStart(text);
  if (!at) return undefined;
  const subject = text
    .slice(at.start)
    .trim()
    .replace(/^["'\u201c](.*)["'\u201d]$/s, '$1')
    .trim();
  return /[A-Za-z0-9]/.test(subject) ? subject : undefined;
}

/** An IPv4 address written in the text ("10.0.0.5 is unreachable"). */
export function findIpv4(text: string): string | undefined {
  for (const m of text.matchAll(/(?<![\w.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?!\w|\.\d)/g)) {
    const parts = m.slice(1, 5).map(Number);
    if (parts.every((p) => p <= 255)) return parts.join('.');
  }
  return undefined;
}
