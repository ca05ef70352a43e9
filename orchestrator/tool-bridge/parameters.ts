/** MCP tool input schemas as the Agents SDK takes them. */

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A non-strict JSON Schema object, minus the properties the workflow supplies itself (`hidden`). */
export function toolParameters(schema: Record<string, unknown>, hidden: readonly string[]) {
  const { $schema: _ignored, ...rest } = schema;
  const properties = isRecord(rest.properties) ? { ...rest.properties } : {};
  for (const name of hidden) delete properties[name];
  const required = Array.isArray(rest.required)
    ? { required: rest.required.filter((r) => !hidden.includes(r as string)) }
    : {};
  return { ...rest, ...required, type: 'object' as const, properties } as never;
}
