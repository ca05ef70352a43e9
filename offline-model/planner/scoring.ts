/**
 * Ranks tools against a request by word overlap, weighted by where the word appears in the tool (name parts
 * strongest, then description, then properties) and by how rare the word is across the tool set (IDF), so words every
 * tool shares count little.
 */
import { ACTION_VERBS, GENERIC_TERMS, type QueryTerms } from './intents';
import type { ToolSpec } from './tool-spec';
import { termsMatch } from './text';

const NAME_WEIGHT = 3;
const DESCRIPTION_WEIGHT = 1;
const PROPERTY_WEIGHT = 0.5;
const EXPRESSION_BONUS = 2;
/** Description/property evidence needed when no name part matches. */
const WEAK_EVIDENCE = { terms: 2, score: 1.5 };

export interface ToolScore {
  tool: ToolSpec;
  score: number;
  /** Share of the tool's name parts the request covers. */
  coverage: number;
  nameMatches: number;
  /** Enough non-generic evidence to call this tool at all. */
  meaningful: boolean;
  /** A state-changing tool ("set_…", "track_…") whose action the user did not ask for. */
  actionMissing: boolean;
}

export class ToolIndex {
  private readonly allTerms: string[][];

  constructor(readonly tools: readonly ToolSpec[]) {
    this.allTerms = tools.map((t) => [...t.nameTerms, ...t.descriptionTerms, ...t.propertyTerms]);
  }

  /** BM25-style inverse document frequency: always positive, near zero for a term every tool has. */
  idf(term: string): number {
    const n = this.tools.length;
    const df = this.allTerms.filter((terms) => terms.some((t) => termsMatch(term, t))).length;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  score(query: QueryTerms, hasExpression: boolean): ToolScore[] {
    return this.tools.map((tool) => this.scoreTool(tool, query, hasExpression));
  }

  private scoreTool(tool: ToolSpec, query: QueryTerms, hasExpression: boolean): ToolScore {
    let score = 0;
    let strong = false;
    let weakScore = 0;
    let weakTerms = 0;
    const coveredName = new Set<string>();
    for (const [term, weight] of query.terms) {
      const nameHits = tool.nameTerms.filter((t) => termsMatch(term, t));
      const field =
        nameHits.length > 0
          ? NAME_WEIGHT
          : tool.descriptionTerms.some((t) => termsMatch(term, t))
            ? DESCRIPTION_WEIGHT
            : tool.propertyTerms.some((t) => termsMatch(term, t))
              ? PROPERTY_WEIGHT
              : 0;
      if (field === 0) continue;
      const s = field * weight * this.idf(term);
      score += s;
      for (const hit of nameHits) coveredName.add(hit);
      if (GENERIC_TERMS.has(term)) continue;
      if (nameHits.length > 0) strong = true;
      else {
        weakScore += s;
        weakTerms += 1;
      }
    }
    if (hasExpression && tool.properties.some((p) => p.role === 'expression')) {
      score += EXPRESSION_BONUS;
      strong = true;
    }
    const verb = tool.nameTerms[0];
    const actionMissing =
      verb !== undefined &&
      ACTION_VERBS.has(verb) &&
      (query.pastReference || ![...query.terms.keys()].some((t) => termsMatch(t, verb)));
    return {
      tool,
      score,
      coverage: tool.nameTerms.length === 0 ? 0 : coveredName.size / tool.nameTerms.length,
      nameMatches: coveredName.size,
      meaningful: strong || (weakTerms >= WEAK_EVIDENCE.terms && weakScore >= WEAK_EVIDENCE.score),
      actionMissing,
    };
  }
}

/** Best first: name coverage, then matched name parts, then total score; ties keep the tools' order. */
export function byPreference(a: ToolScore, b: ToolScore): number {
  return b.coverage - a.coverage || b.nameMatches - a.nameMatches || b.score - a.score;
}
