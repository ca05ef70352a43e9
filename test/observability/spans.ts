/** Reading a received trace: spans by name, a span's chain up to its root, and the trace as a tree for failure messages. */
import type { CollectedSpan } from '../fakes/otlp-collector';

export const SERVER = 2;
export const CLIENT = 3;

export const named = (spans: CollectedSpan[], name: string, service?: string) =>
  spans.filter((s) => s.name === name && (!service || s.service === service));

export function one(spans: CollectedSpan[], name: string, service?: string): CollectedSpan {
  const found = named(spans, name, service);
  if (found.length !== 1)
    throw new Error(
      `expected one ${name} span${service ? ` from ${service}` : ''}, got ${found.length}:\n${render(spans)}`,
    );
  return found[0]!;
}

/** The chain of span names from a span up to its trace's root (each parent must have been received). */
export function ancestry(spans: CollectedSpan[], span: CollectedSpan): string[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const chain = [`${span.service}: ${span.name}`];
  for (let cur = span; cur.parentSpanId;) {
    const parent = byId.get(cur.parentSpanId);
    if (!parent)
      throw new Error(
        `${cur.name} (${cur.service}) has a parent ${cur.parentSpanId} that was never exported:\n${render(spans)}`,
      );
    chain.push(`${parent.service}: ${parent.name}`);
    cur = parent;
  }
  return chain.reverse();
}

/** The trace as an indented tree, for failure messages. */
export function render(spans: CollectedSpan[]): string {
  const ids = new Set(spans.map((s) => s.spanId));
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    for (const s of spans.filter((x) =>
      parent ? x.parentSpanId === parent : !x.parentSpanId || !ids.has(x.parentSpanId),
    )) {
      lines.push(`${'  '.repeat(depth)}${s.name} [${s.service}]`);
      walk(s.spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines.join('\n');
}
