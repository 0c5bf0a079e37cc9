/** A template helper as a pure function of its positional params and its `key=value` hash. */
export type Helper = (params: readonly unknown[], hash: Readonly<Record<string, unknown>>) => unknown;

/** Thrown by helpers for bad input; rendering turns it into SNSGATE_RENDER_FAILED with this message. */
export class HelperError extends Error {
  constructor(helper: string, message: string) {
    super(`${helper}: ${message}`);
    this.name = 'HelperError';
  }
}

/** Describes a value's type without echoing it (payloads carry phone numbers and names). */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' && value === '' ? 'an empty string' : `a ${typeof value}`;
}

/** Intl output uses no-break and narrow spaces (U+00A0, U+202F) that would force UCS-2 on an SMS. */
export function plainSpaces(text: string): string {
  return text.replace(/[\u00A0\u2007\u2009\u202F]/gu, ' ');
}

/** A finite number from a number or a numeric string (Shopify sends amounts as strings). */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

/** The hash value as a string, or undefined when absent; anything else is a helper error. */
export function hashString(helper: string, hash: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = hash[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new HelperError(helper, `${key}= must be a string, got ${typeName(value)}`);
  return value;
}
