import { gsm7Alphabet } from './gsm7-alphabet.js';
import type { SmsInfo } from './sms-info.js';
import { smsLimits } from './sms-limits.js';

/**
 * Parts needed for units of given sizes. Past one part each part holds `multi` units, and a unit
 * never straddles two parts: an escape sequence or a surrogate pair moves whole to the next part.
 */
function countSegments(sizes: readonly number[], total: number, limits: { single: number; multi: number }): number {
  if (total === 0) return 0;
  if (total <= limits.single) return 1;
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > limits.multi) {
      segments += 1;
      used = size;
    } else {
      used += size;
    }
  }
  return segments;
}

/** The distinct characters of `text` outside the GSM-7 tables, in order of first appearance. */
export function nonGsm7Characters(text: string): string[] {
  const found = new Set<string>();
  for (const char of text) if (gsm7Alphabet.septets(char) === 0) found.add(char);
  return [...found];
}

/**
 * SMS accounting of a whole text: GSM-7 when every character is in the GSM tables (extension
 * characters cost two septets), otherwise UCS-2 counted in UTF-16 code units; exact segment count.
 */
export function analyzeSms(text: string): SmsInfo {
  const chars = Array.from(text);
  const ucs2Characters = nonGsm7Characters(text);
  if (ucs2Characters.length === 0) {
    const sizes = chars.map((c) => gsm7Alphabet.septets(c));
    const units = sizes.reduce<number>((sum, n) => sum + n, 0);
    return {
      encoding: 'GSM-7',
      characters: chars.length,
      units,
      bytes: Math.ceil((units * 7) / 8),
      segments: countSegments(sizes, units, smsLimits.gsm7),
      ucs2Characters: [],
    };
  }
  const sizes = chars.map((c) => c.length);
  return {
    encoding: 'UCS-2',
    characters: chars.length,
    units: text.length,
    bytes: text.length * 2,
    segments: countSegments(sizes, text.length, smsLimits.ucs2),
    ucs2Characters,
  };
}

/** The larger of the wire bytes and the UTF-8 bytes: SNS's 1,600-byte limit is measured this strictly. */
export function smsBytes(text: string, info: SmsInfo): number {
  return Math.max(info.bytes, Buffer.byteLength(text, 'utf8'));
}
