import { GatewayError } from '../errors.js';

const maxDepth = 64;

function copy(value: unknown, depth: number): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value !== 'object') return undefined;
  if (depth > maxDepth) throw new GatewayError('SNSGATE_RENDER_FAILED', `the payload is nested deeper than ${maxDepth} levels`);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => copy(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    // defineProperty, not assignment: a `__proto__` key stays a plain own property, never a prototype.
    Object.defineProperty(out, key, { value: copy(item, depth + 1), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * A deep copy made only of plain objects, arrays and JSON scalars (dates as ISO strings; functions,
 * symbols and class prototypes dropped), so nothing in a payload can reach a prototype in Handlebars.
 */
export function toPlainData(value: unknown): unknown {
  return copy(value, 0);
}
