/**
 * A small, generic English intent vocabulary: everyday words mapped to the terms tool names tend to use ("show" →
 * get, "switch" → set, "forecast" → weather). It knows nothing about particular sample sentences.
 */
import { STOPWORDS, stem, words } from './text';

const SYNONYM_GROUPS: ReadonlyArray<readonly [targets: string, words: string]> = [
  ['get', 'show what which tell list display give fetch retrieve check see view lookup find how'],
  ['set', 'switch change use select choose pick update configure'],
  ['track', 'record log save remember store note'],
  // "file a ticket", "raise an issue", "log a bug": creating a record somewhere ("open a …" in CREATE_PHRASE).
  ['create', 'file raise submit log'],
  ['issue', 'ticket tickets bug bugs incident'],
  ['price stock', 'quote quotes trading trade traded shares share worth ticker market'],
  [
    'weather',
    'forecast temperature rain raining rainy sunny sun hot cold warm snow snowing humid humidity wind windy umbrella',
  ],
  ['calculate', 'compute evaluate calc solve math arithmetic'],
  ['roi', 'return returns invest invested investing investment interest grow growth compound compounded'],
  ['metric', 'status stats statistics progress health numbers report overview kpi kpis'],
  ['history', 'past previous previously earlier before historical ever already'],
];

const SYNONYMS: ReadonlyMap<string, readonly string[]> = (() => {
  const map = new Map<string, string[]>();
  for (const [targets, list] of SYNONYM_GROUPS) {
    for (const w of list.split(' ')) {
      const key = stem(w);
      map.set(key, [...(map.get(key) ?? []), ...targets.split(' ').map(stem)]);
    }
  }
  return map;
})();

/** Words the synonym list knows: never a ticker, city or project key. */
export const INTENT_WORDS: ReadonlySet<string> = new Set(SYNONYM_GROUPS.flatMap(([t, l]) => `${t} ${l}`.split(' ')));

/** Terms too generic to justify a tool call on their own. */
export const GENERIC_TERMS: ReadonlySet<string> = new Set(['get', 'set', 'list', 'current', 'new']);

/** Leading name verbs that change state: such a tool is called only when the user asks for that action. */
export const ACTION_VERBS: ReadonlySet<string> = new Set([
  'set',
  'track',
  'create',
  'add',
  'delete',
  'remove',
  'update',
  'record',
  'save',
  'send',
  'post',
  'reset',
  'clear',
  'start',
  'stop',
  'cancel',
  'write',
  'put',
]);

const SYNONYM_WEIGHT = 0.8;
/**
 * "open a ticket", "open a new issue": "open" creates only with an article after it; alone it is a state ("how many
 * issues are open").
 */
const CREATE_PHRASE = /\bopen\s+(?:a|an|another|new)\b/i;

/** The request's terms (stems) with weights: 1 for words typed, 0.8 for intents inferred from them. */
export interface QueryTerms {
  terms: Map<string, number>;
  /** The user asks about the past ("which IPs have I tracked?"), not for an action. */
  pastReference: boolean;
}

export function queryTerms(text: string, hasExpression: boolean): QueryTerms {
  const terms = new Map<string, number>();
  const add = (term: string, weight: number) => terms.set(term, Math.max(terms.get(term) ?? 0, weight));
  for (const w of words(text)) {
    const s = stem(w);
    for (const target of SYNONYMS.get(s) ?? []) add(target, SYNONYM_WEIGHT);
    if (!STOPWORDS.has(w)) add(s, 1);
  }
  if (hasExpression) add('calculate', SYNONYM_WEIGHT);
  if (CREATE_PHRASE.test(text)) add('create', SYNONYM_WEIGHT);
  const pastReference =
    /\b(?:have|has|did)\s+(?:i|we|you)\b[^.?!;]*?\b[a-z]{3,}ed\b/i.test(text) ||
    /\b(?:history|historical|past|previous(?:ly)?|earlier|before|so far|ever|already)\b/i.test(text);
  if (pastReference) add('history', SYNONYM_WEIGHT);
  return { terms, pastReference };
}
