import { timingSafeEqual } from 'node:crypto';

/** Constant-time equality of two buffers; different lengths are a plain `false`. */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** True when any received signature equals any expected one, each compared in constant time. */
export function anySafeEqual(expected: readonly Buffer[], received: readonly Buffer[]): boolean {
  return expected.some((e) => received.some((r) => safeEqual(e, r)));
}
