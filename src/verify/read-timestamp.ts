import { verifyFailure, type VerifyFailure } from './verify-failure.js';

/** Unit of a Unix timestamp header. */
export type TimestampUnit = 's' | 'ms';

/** A parsed timestamp with its exact text (which is what was signed), or why it is malformed. */
export type TimestampRead = { readonly ok: true; readonly at: Date; readonly text: string } | VerifyFailure;

// Digits only: no sign, fraction, exponent or inner space; bounded so the value stays a safe integer.
const digits = { s: /^[0-9]{1,12}$/, ms: /^[0-9]{1,15}$/ } as const;

/** Parses an integer Unix timestamp (seconds or milliseconds); anything else is `malformed_header`. */
export function readTimestamp(text: string, where: string, unit: TimestampUnit = 's'): TimestampRead {
  if (!digits[unit].test(text)) {
    const expected = unit === 's' ? 'Unix seconds' : 'Unix milliseconds';
    return verifyFailure('malformed_header', `${where} is not an integer timestamp in ${expected}`);
  }
  const value = Number(text);
  return { ok: true, at: new Date(unit === 's' ? value * 1000 : value), text };
}
