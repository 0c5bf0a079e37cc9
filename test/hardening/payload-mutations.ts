import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { SchemeName } from '../../src/config/config.js';
import { testSecrets } from '../helpers/sign-webhook.js';
import { shippedSources } from '../helpers/test-service.js';

/** A path into a JSON document: object keys and array indexes. */
export type JsonPath = readonly (string | number)[];

/** A built-in template as the fuzzers see it: its valid examples, its schema's field paths, how to sign. */
export interface TemplateUnderTest {
  readonly id: string;
  readonly examples: readonly unknown[];
  /** Every property the schema names (through $ref, items and additionalProperties). */
  readonly fields: readonly JsonPath[];
  /** The source's scheme and current secret; undefined for API-only templates (mms). */
  readonly signer: { readonly scheme: SchemeName; readonly secret: string } | undefined;
}

type Schema = Record<string, unknown>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function resolve(root: Schema, node: Schema): Schema {
  const ref = node.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return node;
  let at: unknown = root;
  for (const part of ref.slice(2).split('/')) at = isObject(at) ? at[part] : undefined;
  return isObject(at) ? at : node;
}

/** Every property path a JSON Schema names, depth first; arrays as index 0, open maps as key `k`. */
export function schemaFieldPaths(root: Schema): JsonPath[] {
  const out: JsonPath[] = [];
  const walk = (raw: Schema, path: JsonPath, depth: number): void => {
    if (depth > 8) return;
    const node = resolve(root, raw);
    if (isObject(node.properties)) {
      for (const [key, child] of Object.entries(node.properties)) {
        if (!isObject(child)) continue;
        out.push([...path, key]);
        walk(child, [...path, key], depth + 1);
      }
    }
    if (isObject(node.additionalProperties)) {
      out.push([...path, 'k']);
      walk(node.additionalProperties, [...path, 'k'], depth + 1);
    }
    if (isObject(node.items)) {
      out.push([...path, 0]);
      walk(node.items, [...path, 0], depth + 1);
    }
  };
  walk(root, [], 0);
  return out;
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8')) as unknown;
}

function manifestSource(dir: string): string | undefined {
  return /^source: *([a-z0-9-]+)/m.exec(readFileSync(join(dir, 'template.yaml'), 'utf8'))?.[1];
}

/** The shipped templates, read from `templates/` as the service reads them. */
export function templatesUnderTest(root = 'templates'): TemplateUnderTest[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const dir = join(root, d.name);
      const examples = readdirSync(join(dir, 'examples'))
        .filter((f) => f.endsWith('.json') && !f.startsWith('invalid-'))
        .map((f) => readJson(join(dir, 'examples', f)));
      const schema = readJson(join(dir, 'schema.json'));
      const source = manifestSource(dir);
      const scheme = source === undefined ? undefined : (shippedSources as Record<string, { scheme: SchemeName } | undefined>)[source]?.scheme;
      return {
        id: d.name,
        examples,
        fields: isObject(schema) ? schemaFieldPaths(schema) : [],
        signer: scheme === undefined ? undefined : { scheme, secret: testSecrets[scheme].current },
      };
    });
}

/** A deep copy with `value` at `path` (parents made as objects or arrays); `__proto__` stays an own key. */
export function setAt(doc: unknown, path: JsonPath, value: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  const base: unknown = isObject(doc) || Array.isArray(doc) ? structuredClone(doc) : typeof head === 'number' ? [] : {};
  const container = base as Record<string | number, unknown>;
  const child = Object.prototype.hasOwnProperty.call(container, head) ? container[head] : undefined;
  Object.defineProperty(container, head, { value: setAt(child, rest, value), enumerable: true, writable: true, configurable: true });
  return base;
}

/** A deep copy without the value at `path`. */
export function deleteAt(doc: unknown, path: JsonPath): unknown {
  const [head, ...rest] = path;
  if (head === undefined || !(isObject(doc) || Array.isArray(doc))) return doc;
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  if (rest.length === 0) {
    if (Array.isArray(copy) && typeof head === 'number') copy.splice(head, 1);
    else Reflect.deleteProperty(copy, head);
    return copy;
  }
  if (Object.prototype.hasOwnProperty.call(copy, head)) copy[head] = deleteAt(copy[head], rest);
  return copy;
}

/** Strings chosen to break things: Unicode edges, template syntax, injection shapes, numbers as text. */
export const nastyStrings: readonly string[] = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  'a\udc00b',
  '\udbff\udfff',
  '\u202etxt.exe',
  '\u200f\u200e\u061c',
  '\u200d',
  '👩‍👩‍👧‍👦',
  '🏳️‍🌈🇺🇸🇬🇧',
  '\ufeffBOM',
  'e\u0301\u0301\u0301\u0301',
  '\u2028\u2029',
  '\r\n\r\nX-Injected: 1',
  '{{this}}',
  '{{{this}}}',
  '{{#each this}}{{@key}}{{/each}}',
  '{{> partial}}',
  '{{constructor.constructor "return process"}}',
  '{{lookup this "__proto__"}}',
  '<script>alert(1)</script>',
  "'; DROP TABLE message_logs; --",
  '${process.exit(1)}',
  '%s%s%s%n',
  '../../etc/passwd',
  '+12065550100',
  '+999999999999999',
  '0',
  '-1',
  '1e309',
  'NaN',
  'null',
  'true',
  'https://example.com/\u0000',
  'javascript:alert(1)',
  'evt_\u0000',
];

/** A JSON value nested `depth` levels deep (arrays and objects alternating). */
export function deepValue(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { d: value };
  return value;
}

/** Values of every JSON type and some awkward sizes, to replace any field with. */
export function hostileValue(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom<unknown>(null, true, false, 0, -0, -1, 1.5, 2 ** 53 + 1, 1e308, -1e308, [], {}, [null], { a: 1 }),
    fc.constantFrom(...nastyStrings),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.integer({ min: 200, max: 5000 }).map((n) => 'x'.repeat(n)),
    fc.integer({ min: 2, max: 2000 }).map((n) => Array.from({ length: n }, () => 1)),
    fc.integer({ min: 10, max: 80 }).map(deepValue),
    fc.jsonValue({ maxDepth: 3 }),
  );
}

/** A prototype-pollution attempt as an object value. */
export function pollutingValue(): fc.Arbitrary<{ key: string; value: unknown }> {
  return fc.record({
    key: fc.constantFrom('__proto__', 'constructor', 'prototype', '__defineGetter__', 'hasOwnProperty', 'toString', 'valueOf'),
    value: fc.constantFrom<unknown>({ polluted: true }, { prototype: { polluted: true } }, 'polluted', 1, null, [{ polluted: true }]),
  });
}

/** One change to a valid payload: a field replaced, removed, or given a polluting key beside it. */
export type Mutation =
  | { readonly op: 'set'; readonly path: JsonPath; readonly value: unknown }
  | { readonly op: 'delete'; readonly path: JsonPath }
  | { readonly op: 'pollute'; readonly path: JsonPath; readonly key: string; readonly value: unknown }
  | { readonly op: 'none' };

/** A mutation of one of `t`'s schema fields (or of the whole body). */
export function mutationOf(t: TemplateUnderTest): fc.Arbitrary<Mutation> {
  const path = t.fields.length === 0 ? fc.constant<JsonPath>([]) : fc.constantFrom<JsonPath>(...t.fields);
  return fc.oneof(
    { weight: 6, arbitrary: fc.record({ op: fc.constant('set' as const), path, value: hostileValue() }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), path }) },
    {
      weight: 2,
      arbitrary: fc
        .record({ path: path.map((p) => p.slice(0, -1)), polluting: pollutingValue() })
        .map(({ path: parent, polluting }) => ({ op: 'pollute' as const, path: parent, ...polluting })),
    },
    { weight: 1, arbitrary: fc.constant({ op: 'none' as const }) },
  );
}

/** Applies a mutation to a deep copy of `doc`. */
export function applyMutation(doc: unknown, m: Mutation): unknown {
  if (m.op === 'none') return structuredClone(doc);
  if (m.op === 'delete') return deleteAt(doc, m.path);
  if (m.op === 'set') return setAt(doc, m.path, m.value);
  return setAt(doc, [...m.path, m.key], m.value);
}
