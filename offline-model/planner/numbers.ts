/**
 * Numbers as people type them: "$10,000", "10k", "2.5m", "5%", "7 percent", "10 years", "18 months",
 * "10000 dollars". Each mention keeps the marks around it so argument extraction can match cues.
 */

export interface NumberMention {
  value: number;
  start: number;
  end: number;
  currency: boolean;
  percent: boolean;
  unit?: 'year' | 'month';
  hasDecimalPoint: boolean;
}

const SCALES: Record<string, number> = {
  k: 1e3,
  thousand: 1e3,
  m: 1e6,
  mm: 1e6,
  million: 1e6,
  b: 1e9,
  bn: 1e9,
  billion: 1e9,
};

// `\s*(?:-\s*)?` before the unit, not `\s*-?\s*`: two adjacent `\s*` split a run of spaces every possible way on a
// failed match, which is quadratic in the run's length.
const NUMBER =
  /([$€£¥])?\s?((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)(?:\s?(k|mm|m|bn|b|thousand|million|billion)\b)?(\s?(?:%|percent\b|per\s?cent\b|pct\b))?(\s*(?:dollars?|usd|euros?|eur|pounds?|gbp|bucks)\b)?(\s*(?:-\s*)?(?:years?|yrs?|months?|mos?)\b)?/gi;

export function findNumbers(text: string): NumberMention[] {
  const found: NumberMention[] = [];
  for (const m of text.matchAll(NUMBER)) {
    const start = m.index;
    const digitsStart = start + m[0].indexOf(m[2] ?? '');
    const before = text[digitsStart - 1] ?? ' ';
    const beforeSign = text[digitsStart - 2] ?? ' ';
    // Digits glued to a word ("DEMO-123", "p2p", "BRK.B") are not quantities.
    if (!m[1] && /[A-Za-z0-9_.]/.test(before)) continue;
    if (!m[1] && before === '-' && /[A-Za-z0-9]/.test(beforeSign)) continue;
    let value = Number((m[2] ?? '').replace(/,/g, ''));
    if (!Number.isFinite(value)) continue;
    const scale = m[3]?.toLowerCase();
    if (scale) value *= SCALES[scale] ?? 1;
    const negative =
      !m[1] && before === '-' && /[\s(]/.test(beforeSign) && !/\d\s*-\s*$/.test(text.slice(0, digitsStart));
    if (negative) value = -value;
    const unitWord = m[6]?.toLowerCase() ?? '';
    found.push({
      value,
      start: negative ? digitsStart - 1 : start,
      end: start + m[0].length,
      currency: Boolean(m[1] || m[5] || scale),
      percent: Boolean(m[4]),
      unit: /y/.test(unitWord) ? 'year' : /mo/.test(unitWord) ? 'month' : undefined,
      hasDecimalPoint: (m[2] ?? '').includes('.'),
    });
  }
  return found;
}
