import type { IncomingHeaders } from './signature-scheme.js';
import { verifyFailure, type VerifyFailure } from './verify-failure.js';

/** Longer header values are refused before any parsing or hashing. */
export const maxHeaderLength = 8192;

/** A header's trimmed value (undefined when absent or empty), or why it cannot be used. */
export type HeaderRead = { readonly ok: true; readonly value: string | undefined } | VerifyFailure;
/** A header's trimmed, non-empty value, or why it cannot be used. */
export type RequiredHeaderRead = { readonly ok: true; readonly value: string } | VerifyFailure;

/**
 * Reads one header by its lower-case name, trimmed (as HTTP drops surrounding whitespace). An absent
 * or empty header is `undefined`; a repeated (array) or over-long one is `malformed_header`.
 */
export function readHeader(headers: IncomingHeaders, name: string): HeaderRead {
  const raw = headers[name];
  if (raw === undefined) return { ok: true, value: undefined };
  if (typeof raw !== 'string') {
    return verifyFailure('malformed_header', `header ${name} arrived as ${raw.length} separate values; the sender must send it once`);
  }
  if (raw.length > maxHeaderLength) {
    return verifyFailure('malformed_header', `header ${name} is ${raw.length} bytes long (limit ${maxHeaderLength})`);
  }
  const value = raw.trim();
  return { ok: true, value: value === '' ? undefined : value };
}

/** Like `readHeader`, but an absent or empty header is `missing_header`, with `sender` in the hint. */
export function requireHeader(headers: IncomingHeaders, name: string, sender: string): RequiredHeaderRead {
  const read = readHeader(headers, name);
  if (!read.ok) return read;
  if (read.value === undefined) {
    return verifyFailure(
      'missing_header',
      `header ${name} is missing or empty; is the request really from ${sender}, and does no proxy drop the header?`,
    );
  }
  return { ok: true, value: read.value };
}
