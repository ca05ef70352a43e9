/**
 * PLAN phase: turns the user's words into tool calls. One call for the best-matching tool; one per clause when the
 * message clearly asks for several different things; or the previous call again with new arguments for an elliptical
 * follow-up ("and MSFT?"). An empty plan means no tool fits.
 */
import { extractArguments } from './arguments';
import type { PreviousCall } from './conversation';
import { findExpression } from './expression';
import { queryTerms } from './intents';
import { ToolIndex, byPreference, type ToolScore } from './scoring';
import { Vocabulary, type ToolSpec } from './tool-spec';
import { subjectStart } from './entities';
import { identifierParts, wordCount } from './text';

export interface PlannedCall {
  name: string;
  args: Record<string, unknown>;
}

/**
 * Clause separators for multi-intent messages: "; ", " and then ", " then ", " and also ", " and ". Each whitespace
 * run is tried from its first character only (`(?<!\s)`): tried from every character of a long run, the search is
 * quadratic in the run's length, and a message of spaces cost seconds.
 */
const CLAUSE_SPLIT =
  /(?<!\s)\s*;\s*|,?(?<!\s)\s+and\s+then\s+|,?(?<!\s)\s+then\s+|,?(?<!\s)\s+and\s+also\s+|,?(?<!\s)\s+and\s+/i;
/** Openers of an elliptical follow-up: "and MSFT?", "what about Paris?", "same for OPS". */
const FOLLOW_UP =
  /^\s*(?:(?:and|also|ok|okay|now|so|then)[\s,]+)*(?:(?:what|how)\s+about|same\s+(?:for|with)|and|also|for|in|with)\b[\s,]*/i;
const MAX_FOLLOW_UP_WORDS = 4;

export class Planner {
  private readonly index: ToolIndex;
  private readonly vocabulary: Vocabulary;
  private readonly takesFreeText: boolean;

  constructor(readonly tools: readonly ToolSpec[]) {
    this.index = new ToolIndex(tools);
    this.vocabulary = new Vocabulary(tools);
    this.takesFreeText = tools.some((t) => t.properties.some((p) => p.role === 'title' || p.role === 'body'));
  }

  plan(text: string, previous: readonly PreviousCall[] = []): PlannedCall[] {
    const clauses = this.planClauses(text);
    if (clauses) return clauses;
    const single = this.planSingle(text);
    if (single) return [single];
    // The most recent earlier call that the new words complete ("and MSFT?" after a price, even if other tools ran since).
    const followUp = previous.map((call) => this.planFollowUp(text, call)).find((call) => call !== undefined);
    return followUp ? [followUp] : [];
  }

  /**
   * The best tool whose required arguments can all be found in the text. A tool lacking arguments gives way only to
   * tools its equal in name coverage: "set the jira project" (no key given) must not turn into get_jira_metrics.
   */
  planSingle(text: string): PlannedCall | undefined {
    const ranked = this.rank(text);
    const topCoverage = ranked[0]?.coverage;
    for (const { tool, coverage } of ranked) {
      if (coverage !== topCoverage) break;
      const { args, missing } = extractArguments(tool, text, { vocabulary: this.vocabulary });
      if (missing.length === 0) return { name: tool.name, args };
    }
    return undefined;
  }

  /** When nothing could be planned: the most relevant tool and the required arguments the text lacks for it. */
  closestMiss(text: string): { name: string; missing: string[] } | undefined {
    const tool = this.rank(text)[0]?.tool;
    if (!tool) return undefined;
    const { missing } = extractArguments(tool, text, { vocabulary: this.vocabulary });
    return missing.length > 0 ? { name: tool.name, missing } : undefined;
  }

  /** Tools with enough evidence to be called, best first. */
  private rank(text: string): ToolScore[] {
    const hasExpression = findExpression(text) !== undefined;
    return this.index
      .score(queryTerms(text, hasExpression), hasExpression)
      .filter((s) => s.meaningful && !s.actionMissing)
      .sort(byPreference);
  }

  /**
   * Several clauses, each mapping on its own to a different tool; otherwise nothing. When a tool takes free text (an
   * issue's summary), the text after its cue is not split: "file an issue: VPN and DNS are down" is one clause.
   */
  private planClauses(text: string): PlannedCall[] | undefined {
    const subject = this.takesFreeText ? subjectStart(text) : undefined;
    const clauses = text
      .slice(0, subject?.cue)
      .split(CLAUSE_SPLIT)
      .map((c) => c.trim())
      .filter((c) => /[A-Za-z0-9]/.test(c));
    if (subject && clauses.length > 0) clauses[clauses.length - 1] += text.slice(subject.cue);
    if (clauses.length < 2) return undefined;
    const calls: PlannedCall[] = [];
    for (const clause of clauses) {
      const call = this.planSingle(clause);
      if (!call || calls.some((c) => c.name === call.name)) return undefined;
      calls.push(call);
    }
    return calls;
  }

  /** The previous tool again, with what the new, short message supplies merged over its old arguments. */
  private planFollowUp(text: string, previous: PreviousCall | undefined): PlannedCall | undefined {
    const tool = previous && this.tools.find((t) => t.name === previous.name);
    if (!previous || !tool || tool.properties.length === 0) return undefined;
    const marker = FOLLOW_UP.exec(text);
    if (!marker && wordCount(text) > MAX_FOLLOW_UP_WORDS) return undefined;
    const residual = marker
      ? text
          .slice(marker[0].length)
          // Anchored at the end, so tried only where a run starts (`(?<!…)`): linear, as CLAUSE_SPLIT.
          .replace(/(?<![\s?!.])[\s?!.]+$/, '')
          .replace(/(?<!\s)\s+(?:instead|too|then|please|now)$/i, '')
          .trim()
      : undefined;
    const { args } = extractArguments(tool, text, {
      vocabulary: this.vocabulary,
      ...(residual ? { followUpResidual: residual } : {}),
    });
    if (Object.keys(args).length === 0) return undefined;
    const merged = { ...previous.args, ...args };
    if (tool.properties.some((p) => p.required && !(p.name in merged))) return undefined;
    const ordered: Record<string, unknown> = {};
    for (const p of tool.properties) if (p.name in merged) ordered[p.name] = merged[p.name];
    return { name: tool.name, args: ordered };
  }

  /** Up to `max` short requests this planner maps back to the tool they were built for, e.g. "stock price AAPL". */
  examples(max: number): string[] {
    const found: string[] = [];
    for (const tool of this.tools) {
      if (found.length >= max) break;
      const values = tool.properties.filter((p) => p.required).map((p) => exampleValue(p.description));
      if (values.some((v) => v === undefined)) continue;
      const request = [identifierParts(tool.name).join(' '), ...values].join(' ');
      if (this.planSingle(request)?.name === tool.name) found.push(request);
    }
    return found;
  }
}

/** "Ticker symbol, for example AAPL, MSFT or BRK.B" → "AAPL". */
function exampleValue(description: string): string | undefined {
  const m = /\b(?:for example|e\.g\.|such as)[:,]?\s+(.+?)(?:\s+or\s+|[,;]|$)/i.exec(description);
  if (!m?.[1]) return undefined;
  let value = m[1].trim();
  const opens = (value.match(/\(/g) ?? []).length;
  while ((value.match(/\)/g) ?? []).length > opens && value.endsWith(')')) value = value.slice(0, -1);
  return value || undefined;
}
