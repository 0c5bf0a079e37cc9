import { hmacDigest } from './hmac-digest.js';
import { fillSignedContent, parseSignedContent, type HmacSpec } from './hmac-spec.js';
import { secretKey } from './secret-key.js';
import type { SignInput } from './signature-scheme.js';

/** The headers a sender of this HMAC spec sends with `input.body`, header names spelled as it does. */
export function signHmac(spec: HmacSpec, input: SignInput<unknown>): Record<string, string> {
  const key = secretKey(input.secret, spec.secretEncoding);
  const ms = input.now.getTime();
  const timestamp = spec.timestampUnit === 'ms' ? String(ms) : String(Math.floor(ms / 1000));
  const content = fillSignedContent(parseSignedContent(spec.signedContent), {
    body: input.body,
    timestamp,
    id: input.id,
  });
  const headers: Record<string, string> = {};
  if (spec.idHeader !== undefined) headers[spec.idHeader] = input.id;
  if (spec.timestampHeader !== undefined) headers[spec.timestampHeader] = timestamp;
  headers[spec.header] = spec.prefix + hmacDigest(spec.algorithm, key, content).toString(spec.encoding);
  return headers;
}
