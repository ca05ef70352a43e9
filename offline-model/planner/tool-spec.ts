/**
 * The planner's view of a function tool: its name parts, description words and properties, each property with the
 * role its name or description suggests (a rate, a ticker, a city…). Built from the JSON schema the SDK serializes.
 */
import type { SerializedTool } from '@openai/agents-core';
import { INTENT_WORDS } from './intents';
import { STOPWORDS, identifierParts, stem, words } from './text';

export type PropertyRole =
  | 'enum'
  | 'rate'
  | 'years'
  | 'amount'
  | 'number'
  | 'expression'
  | 'ticker'
  | 'projectKey'
  | 'location'
  | 'ipAddress'
  | 'title'
  | 'body'
  | 'text'
  | 'unsupported';

export interface PropertySpec {
  name: string;
  type: string;
  description: string;
  /** Required and without a default: the call is impossible without it. */
  required: boolean;
  role: PropertyRole;
  enumValues: string[];
  schema: Record<string, unknown>;
}

export interface ToolSpec {
  name: string;
  description: string;
  properties: PropertySpec[];
  nameTerms: string[];
  descriptionTerms: string[];
  propertyTerms: string[];
}

type FunctionToolLike = Extract<SerializedTool, { type: 'function' }>;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function toolSpecs(tools: readonly SerializedTool[]): ToolSpec[] {
  return tools.filter((t): t is FunctionToolLike => t.type === 'function').map(toolSpec);
}

function toolSpec(tool: FunctionToolLike): ToolSpec {
  const schema: Record<string, unknown> = isRecord(tool.parameters) ? (tool.parameters as Record<string, unknown>) : {};
  const props = isRecord(schema.properties) ? schema.properties : {};
  const required = new Set(
    Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : [],
  );
  const properties = Object.entries(props).map(([name, raw]) =>
    propertySpec(name, isRecord(raw) ? raw : {}, required.has(name)),
  );
  const description = tool.description ?? '';
  return {
    name: tool.name,
    description,
    properties,
    nameTerms: unique(identifierParts(tool.name).map(stem)),
    descriptionTerms: contentTerms(description),
    propertyTerms: unique(
      properties.flatMap((p) => [...identifierParts(p.name).map(stem), ...contentTerms(p.description)]),
    ),
  };
}

function propertySpec(name: string, schema: Record<string, unknown>, listedRequired: boolean): PropertySpec {
  const typesOf = (s: Record<string, unknown>) =>
    (Array.isArray(s.type) ? s.type : [s.type]).filter((t): t is string => typeof t === 'string');
  // A union of one type's variants ("an IPv4 or an IPv6 address": `anyOf` of two strings) is of that type.
  const variantTypes = (Array.isArray(schema.anyOf) ? schema.anyOf.filter(isRecord) : []).flatMap(typesOf);
  const oneType = new Set(variantTypes.filter((t) => t !== 'null')).size === 1;
  const types = [...typesOf(schema), ...(oneType ? variantTypes : [])];
  const type = types.find((t) => t !== 'null') ?? (Array.isArray(schema.enum) ? 'string' : 'unknown');
  const nullable = types.includes('null');
  const enumValues = Array.isArray(schema.enum) ? schema.enum.filter((v): v is string => typeof v === 'string') : [];
  const description = typeof schema.description === 'string' ? schema.description : '';
  return {
    name,
    type,
    description,
    required: listedRequired && !nullable && !('default' in schema),
    role: roleOf(name, type, description, enumValues),
    enumValues,
    schema,
  };
}

function roleOf(name: string, type: string, description: string, enumValues: string[]): PropertyRole {
  if (enumValues.length > 0) return 'enum';
  const nameText = identifierParts(name).join(' ');
  if (type === 'number' || type === 'integer')
    return numberRole(nameText) ?? numberRole(description.toLowerCase()) ?? 'number';
  if (type === 'string')
    return freeTextRole(nameText) ?? stringRole(nameText) ?? stringRole(description.toLowerCase()) ?? 'text';
  return 'unsupported';
}

function numberRole(text: string): PropertyRole | undefined {
  if (/\b(?:horizon|duration|term)\b/.test(text)) return 'years';
  if (/\b(?:rate|percent|percentage|interest|apr|apy|yield)\b/.test(text)) return 'rate';
  if (/\b(?:years?|yrs?)\b/.test(text)) return 'years';
  if (/\b(?:principal|amount|invest\w*|capital|deposit|balance|sum)\b/.test(text)) return 'amount';
  return undefined;
}

function stringRole(text: string): PropertyRole | undefined {
  if (/\b(?:expression|formula|equation)\b/.test(text)) return 'expression';
  if (/\b(?:symbol|ticker)\b/.test(text)) return 'ticker';
  if (/\b(?:project|issue)\b/.test(text)) return 'projectKey';
  if (/\b(?:city|location|place|town|country|region)\b/.test(text)) return 'location';
  return undefined;
}

/**
 * By the property's name only: descriptions mention "the description" or "an IP address" in passing ("added to the
 * description"), names do not.
 */
function freeTextRole(nameText: string): PropertyRole | undefined {
  if (/^(?:ip|ip address|ip addr)$/.test(nameText)) return 'ipAddress';
  if (/^(?:summary|title|subject|headline)$/.test(nameText)) return 'title';
  if (/^(?:description|body|details)$/.test(nameText)) return 'body';
  return undefined;
}

function contentTerms(text: string): string[] {
  return unique(
    words(text)
      .filter((w) => !STOPWORDS.has(w) && !/^\d+$/.test(w))
      .map(stem),
  );
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

/**
 * Words that belong to the tools' own vocabulary or to plain English ("IP", "ROI", "Jira", "weather", "the"): never
 * taken for a ticker, project key or place. Description words written in capitals (examples such as DEMO) are not.
 */
export class Vocabulary {
  private readonly known = new Set<string>();

  constructor(tools: readonly ToolSpec[]) {
    for (const w of [...STOPWORDS, ...INTENT_WORDS, ...COMMON_WORDS]) this.add(w);
    for (const tool of tools) {
      for (const part of identifierParts(tool.name)) this.add(part);
      for (const raw of tool.description.match(/[A-Za-z][A-Za-z']*/g) ?? [])
        if (raw !== raw.toUpperCase()) this.add(raw.replace(/'s$/, ''));
    }
  }

  private add(word: string): void {
    this.known.add(word.toLowerCase());
    this.known.add(stem(word));
  }

  has(word: string): boolean {
    const w = word.toLowerCase();
    return this.known.has(w) || this.known.has(stem(w));
  }
}

/** Plain words that often follow "of"/"for" or sit in capitals without being names. */
const COMMON_WORDS = (
  'one two three four five six seven eight nine ten my his her our their your it that this these those ' +
  'all every each some any more most less least stock stocks share shares company companies today tomorrow yesterday ' +
  'week month year years day days time please thanks usd eur gbp jpy api url ok am pm utc gmt ai faq'
).split(' ');
