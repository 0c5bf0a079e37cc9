// Keywords whose value is one subschema, a list of them, or a map of name → subschema.
const single = ['additionalProperties', 'additionalItems', 'contains', 'not', 'if', 'then', 'else', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties'];
const lists = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const maps = ['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas', 'dependencies'];

type Schema = Record<string, unknown>;

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mapSchema(schema: unknown, at: string, visit: (s: Schema, at: string) => Schema): unknown {
  if (!isSchema(schema)) return schema;
  const out: Schema = { ...schema };
  for (const key of single) if (isSchema(out[key])) out[key] = mapSchema(out[key], `${at}/${key}`, visit);
  for (const key of lists) {
    const list = out[key];
    if (Array.isArray(list)) out[key] = list.map((s: unknown, i) => mapSchema(s, `${at}/${key}/${i}`, visit));
  }
  const items = out.items;
  if (Array.isArray(items)) out.items = items.map((s: unknown, i) => mapSchema(s, `${at}/items/${i}`, visit));
  else if (isSchema(items)) out.items = mapSchema(items, `${at}/items`, visit);
  for (const key of maps) {
    const map = out[key];
    if (isSchema(map)) {
      out[key] = Object.fromEntries(Object.entries(map).map(([name, s]) => [name, mapSchema(s, `${at}/${key}/${name}`, visit)]));
    }
  }
  return visit(out, at);
}

function checksText(schema: Schema): boolean {
  return typeof schema.pattern === 'string' || typeof schema.format === 'string';
}

/**
 * Pointers of subschemas that run a `pattern` or `format` without a `maxLength`: ajv's security
 * guidance, since a regular expression on an unbounded string is where validation time goes.
 */
export function unboundedPatterns(schema: unknown): string[] {
  const found: string[] = [];
  mapSchema(schema, '', (s, at) => {
    if (checksText(s) && typeof s.maxLength !== 'number') found.push(at === '' ? '/' : at);
    return s;
  });
  return found;
}

/**
 * The schema rewritten so that `pattern` and `format` only run on strings within `maxLength`, for the
 * all-errors pass: ajv's allErrors would otherwise run them on strings already too long.
 */
export function boundPatterns(schema: unknown): unknown {
  return mapSchema(schema, '', (s) => {
    if (!checksText(s) || typeof s.maxLength !== 'number') return s;
    const { pattern, format, ...rest } = s;
    const checks: Schema = {};
    if (pattern !== undefined) checks.pattern = pattern;
    if (format !== undefined) checks.format = format;
    const allOf: unknown[] = Array.isArray(rest.allOf) ? (rest.allOf as unknown[]) : [];
    return { ...rest, allOf: [...allOf, { if: { maxLength: rest.maxLength }, then: checks }] };
  });
}
