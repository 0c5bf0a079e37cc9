import { checkTolerance } from './check-tolerance.js';
import { createNoOptionsParser, type NoOptions } from './create-options-parser.js';
import { decodeSignature } from './decode-signature.js';
import { hmacDigest } from './hmac-digest.js';
import { requireHeader } from './read-header.js';
import { readTimestamp } from './read-timestamp.js';
import { anySafeEqual } from './safe-equal.js';
import { secretKey } from './secret-key.js';
import type { SignatureScheme, WebhookRequest } from './signature-scheme.js';
import { verifyFailure } from './verify-failure.js';

const sender = 'a Standard Webhooks sender';

/** The HMAC key of a `whsec_<base64>` secret (the prefix is optional, as in the reference library). */
function keyOf(secret: string): Buffer {
  const key = secretKey(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  if (key.length === 0) throw new Error('secret is empty after whsec_');
  return key;
}

// A space-separated list of `<version>,<signature>`; versions other than v1 (such as v1a) are skipped.
function readV1Signatures(value: string): Buffer[] | undefined {
  const out: Buffer[] = [];
  for (const entry of value.split(/\s+/)) {
    const comma = entry.indexOf(',');
    if (comma < 1) return undefined;
    if (entry.slice(0, comma) !== 'v1') continue;
    const bytes = decodeSignature(entry.slice(comma + 1), 'base64', 32);
    if (bytes === undefined) return undefined;
    out.push(bytes);
  }
  return out;
}

function verifyStandard(keys: readonly Buffer[], toleranceSeconds: number, request: WebhookRequest) {
  const id = requireHeader(request.headers, 'webhook-id', sender);
  if (!id.ok) return id;
  const ts = requireHeader(request.headers, 'webhook-timestamp', sender);
  if (!ts.ok) return ts;
  const signature = requireHeader(request.headers, 'webhook-signature', sender);
  if (!signature.ok) return signature;
  // The spec forbids '.' in the id, which would make `id.timestamp.body` ambiguous.
  if (id.value.includes('.')) return verifyFailure('malformed_header', 'header webhook-id contains "."');
  const timestamp = readTimestamp(ts.value, 'header webhook-timestamp');
  if (!timestamp.ok) return timestamp;
  const received = readV1Signatures(signature.value);
  if (received === undefined) {
    return verifyFailure('malformed_header', 'header webhook-signature is not a space-separated list of v1,<base64>');
  }
  if (received.length === 0) {
    return verifyFailure('no_matching_signature', 'header webhook-signature has no v1 signature; snsgate checks v1 only');
  }
  const expected = keys.map((key) => hmacDigest('sha256', key, [id.value, '.', timestamp.text, '.', request.rawBody]));
  if (!anySafeEqual(expected, received)) {
    return verifyFailure(
      'no_matching_signature',
      `no signature matched any of ${keys.length} configured secret(s); the sender signs "<webhook-id>.<webhook-timestamp>.<raw body>" ` +
        'with the base64-decoded whsec_ secret — is the secret current, and is the raw body passed unchanged?',
    );
  }
  return (
    checkTolerance(timestamp.at, request.now, toleranceSeconds) ?? {
      ok: true as const,
      deliveryId: id.value,
      signedAt: timestamp.at,
    }
  );
}

/**
 * Standard Webhooks: `webhook-signature: v1,<base64>[ v1,…]` over `<id>.<timestamp>.<body>` with the
 * base64 key after `whsec_`; any v1 may match; tolerance in both directions; deliveryId = `webhook-id`.
 */
export const standardWebhooksScheme: SignatureScheme<NoOptions> = {
  name: 'standard-webhooks',
  parseOptions: createNoOptionsParser(),
  create(input) {
    if (input.secrets.length === 0) throw new Error('a verifier needs at least one secret');
    const keys = input.secrets.map((s) => keyOf(s.reveal()));
    return { verify: (request) => verifyStandard(keys, input.toleranceSeconds, request) };
  },
  sign(input) {
    const timestamp = String(Math.floor(input.now.getTime() / 1000));
    const signature = hmacDigest('sha256', keyOf(input.secret), [input.id, '.', timestamp, '.', input.body]);
    return { 'webhook-id': input.id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature.toString('base64')}` };
  },
};
