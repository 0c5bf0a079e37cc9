import { toNumber, type Helper } from './helper.js';

function order(a: unknown, b: unknown): number | undefined {
  const x = toNumber(a);
  const y = toNumber(b);
  if (x !== undefined && y !== undefined) return x - y;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}

/**
 * Comparisons for `{{#if (eq status "firing")}}`: `eq`/`ne` are strict (`1` is not `"1"`); `gt`/`lt`
 * compare numbers (numeric strings included) or two strings, and are false for anything else.
 */
export const compareHelpers: Readonly<Record<string, Helper>> = {
  eq: ([a, b]) => a === b,
  ne: ([a, b]) => a !== b,
  gt: ([a, b]) => (order(a, b) ?? 0) > 0,
  lt: ([a, b]) => (order(a, b) ?? 0) < 0,
};
