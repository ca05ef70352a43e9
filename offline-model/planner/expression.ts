/**
 * Finds the arithmetic expression in a request: "Calculate 15 * 23" → "15 * 23", "what's 2 plus 2 times 3" →
 * "2 + 2 * 3", "square root of 144" → "sqrt(144)". Returns undefined unless there is an operator to apply.
 */

const NUMBER_WORDS: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
  hundred: 100,
};

const OPERAND = String.raw`(\d|\))`;
const NEXT = String.raw`(\d|\(|-|sqrt)`;

const REWRITES: ReadonlyArray<readonly [RegExp, string]> = [
  [/[\u00d7\u2715]/g, ' * '],
  [/\u00f7/g, ' / '],
  [/[\u2212\u2013]/g, ' - '],
  [/(\d),(?=\d{3}\b)/g, '$1'],
  [/\b(?:the\s+)?square\s+root\s+of\b/g, ' sqrt '],
  [/\bsqrt\s+of\b/g, ' sqrt '],
  [/\b(?:to\s+the\s+power\s+of|raised\s+to(?:\s+the\s+power\s+of)?)\b/g, ' ^ '],
  [/\bsquared\b/g, ' ^ 2 '],
  [/\bcubed\b/g, ' ^ 3 '],
  [/\b(?:multiplied\s+by|times)\b/g, ' * '],
  [/\bdivided\s+by\b/g, ' / '],
  [new RegExp(`${OPERAND}\\s+over\\s+${NEXT}`, 'g'), '$1 / $2'],
  [new RegExp(`${OPERAND}\\s*x\\s*${NEXT}`, 'g'), '$1 * $2'],
  [/\bplus\b/g, ' + '],
  [/\bminus\b/g, ' - '],
  [/(\d)\s*(?:percent|per\s+cent)\b/g, '$1%'],
  [/(\d)%\s+of\s+(?=[\d(]|sqrt)/g, '$1% * '],
];

type Token = { kind: 'num' | 'op' | 'open' | 'close' | 'fn' | 'pct'; text: string };

const TOKEN = /sqrt|\d+(?:\.\d+)?|\.\d+|[-+*/^]|\(|\)|%/y;
const SPACE = /\s/;

export function findExpression(text: string): string | undefined {
  let s = ` ${text.toLowerCase()} `;
  s = s.replace(
    /\b(zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)\b/g,
    (w) => String(NUMBER_WORDS[w] ?? w),
  );
  for (const [pattern, replacement] of REWRITES) s = s.replace(pattern, replacement);

  let best: Token[] | undefined;
  for (const run of tokenRuns(s)) {
    const trimmed = balance(trimEdges(run));
    if (!hasOperation(trimmed)) continue;
    if (!best || trimmed.length > best.length) best = trimmed;
  }
  if (!best || looksLikeDateOrPhone(text, best)) return undefined;
  return render(best);
}

/** "2024-01-05" or "555-1234": hyphens glued between digits are no subtraction unless the user asks to calculate. */
function looksLikeDateOrPhone(text: string, tokens: Token[]): boolean {
  const onlyMinus = tokens.every((t) => t.kind !== 'op' || t.text === '-') && !tokens.some((t) => t.kind === 'fn');
  return (
    onlyMinus &&
    /\d-\d/.test(text) &&
    !/\b(?:calculate|compute|evaluate|minus|subtract|what(?:'s| is)|how much)\b/i.test(text)
  );
}

/**
 * Maximal runs of math tokens, separated by anything else; whitespace between two tokens does not end a run.
 * Whitespace is skipped once, here, not by the token pattern: a pattern starting `\s*`, tried at every position of a
 * long run of spaces, made this quadratic in the run's length.
 */
function tokenRuns(s: string): Token[][] {
  const runs: Token[][] = [];
  let current: Token[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && SPACE.test(s[i]!)) i++;
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(s);
    if (m) {
      current.push(classify(m[0]));
      i = TOKEN.lastIndex;
      continue;
    }
    if (current.length > 0) runs.push(current);
    current = [];
    i += 1;
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

function classify(raw: string): Token {
  if (raw === 'sqrt') return { kind: 'fn', text: raw };
  if (raw === '(') return { kind: 'open', text: raw };
  if (raw === ')') return { kind: 'close', text: raw };
  if (raw === '%') return { kind: 'pct', text: raw };
  if (/[-+*/^]/.test(raw)) return { kind: 'op', text: raw };
  return { kind: 'num', text: raw };
}

function trimEdges(tokens: Token[]): Token[] {
  let start = 0;
  let end = tokens.length;
  while (
    start < end &&
    ((tokens[start]?.kind === 'op' && tokens[start]?.text !== '-') ||
      tokens[start]?.kind === 'pct' ||
      tokens[start]?.kind === 'close')
  )
    start++;
  while (
    end > start &&
    (tokens[end - 1]?.kind === 'op' || tokens[end - 1]?.kind === 'fn' || tokens[end - 1]?.kind === 'open')
  )
    end--;
  return tokens.slice(start, end);
}

/** Drops parentheses that have no partner. */
function balance(tokens: Token[]): Token[] {
  const drop = new Set<number>();
  const open: number[] = [];
  tokens.forEach((t, i) => {
    if (t.kind === 'open') open.push(i);
    if (t.kind === 'close') {
      if (open.length > 0) open.pop();
      else drop.add(i);
    }
  });
  for (const i of open) drop.add(i);
  return tokens.filter((_t, i) => !drop.has(i));
}

function hasOperation(tokens: Token[]): boolean {
  return tokens.some((t, i) => {
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    if (t.kind === 'fn') return next?.kind === 'num' || next?.kind === 'open';
    if (t.kind !== 'op' || !prev || !next) return false;
    const leftOk = prev.kind === 'num' || prev.kind === 'close' || prev.kind === 'pct';
    const rightOk =
      next.kind === 'num' || next.kind === 'open' || next.kind === 'fn' || (next.kind === 'op' && next.text === '-');
    return leftOk && rightOk;
  });
}

function render(tokens: Token[]): string {
  let out = '';
  tokens.forEach((t, i) => {
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    if (t.kind === 'fn') {
      // "sqrt 144" → "sqrt(144)"; "sqrt (144)" keeps its own parentheses.
      out += next?.kind === 'num' ? `sqrt(${next.text})` : 'sqrt';
      return;
    }
    if (t.kind === 'num' && prev?.kind === 'fn') return;
    const unary =
      t.kind === 'op' && t.text === '-' && (!prev || prev.kind === 'op' || prev.kind === 'open' || prev.kind === 'fn');
    if (t.kind === 'op' && !unary) out += ` ${t.text} `;
    else out += t.text;
  });
  return out.replace(/\s+/g, ' ').trim();
}
