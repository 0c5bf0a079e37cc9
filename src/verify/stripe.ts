import { checkTolerance } from './check-tolerance.js';
import { createNoOptionsParser, type NoOptions } from './create-options-parser.js';
import { decodeSignature } from './decode-signature.js';
import { hmacDigest } from './hmac-digest.js';
import { requireHeader } from './read-header.js';
import { readTimestamp } from './read-timestamp.js';
import { anySafeEqual } from './safe-equal.js';
import type { SignatureScheme, WebhookRequest } from './signature-scheme.js';
import { verifyFailure, type VerifyFailure } from './verify-failure.js';

const header = 'stripe-signature';

type Parsed = { readonly ok: true; readonly t: string; readonly v1: readonly string[] } | VerifyFailure;

// `t=<unix>,v1=<hex>[,v1=<hex>][,v0=…]`; spaces around items are tolerated, unknown keys ignored.
function parseStripeHeader(value: string): Parsed {
  const t: string[] = [];
  const v1: string[] = [];
  for (const item of value.split(',')) {
    const eq = item.indexOf('=');
    if (eq < 1) return verifyFailure('malformed_header', `header ${header} is not a list of key=value items`);
    const key = item.slice(0, eq).trim();
    const val = item.slice(eq + 1).trim();
    if (key === 't') t.push(val);
    else if (key === 'v1') v1.push(val);
  }
  const [only] = t;
  if (t.length !== 1 || only === undefined) {
    return verifyFailure('malformed_header', `header ${header} must carry exactly one t= timestamp`);
  }
  return { ok: true, t: only, v1 };
}

function verifyStripe(keys: readonly Buffer[], toleranceSeconds: number, request: WebhookRequest) {
  const value = requireHeader(request.headers, header, 'Stripe');
  if (!value.ok) return value;
  const parsed = parseStripeHeader(value.value);
  if (!parsed.ok) return parsed;
  const timestamp = readTimestamp(parsed.t, `header ${header} t=`);
  if (!timestamp.ok) return timestamp;
  const received = parsed.v1.map((s) => decodeSignature(s, 'hex', 32));
  if (received.some((r) => r === undefined)) {
    return verifyFailure('malformed_header', `header ${header} has a v1= item that is not a hex HMAC-SHA256`);
  }
  if (received.length === 0) {
    return verifyFailure('no_matching_signature', `header ${header} has no v1= signature; snsgate checks v1 only`);
  }
  const expected = keys.map((key) => hmacDigest('sha256', key, [timestamp.text, '.', request.rawBody]));
  if (!anySafeEqual(expected, received.filter((r) => r !== undefined))) {
    return verifyFailure(
      'no_matching_signature',
      `no signature matched any of ${keys.length} configured secret(s); Stripe signs "<t>.<raw body>" — ` +
        'is the endpoint secret (whsec_…) the one of this endpoint, and is the raw body passed unchanged?',
    );
  }
  return checkTolerance(timestamp.at, request.now, toleranceSeconds) ?? { ok: true as const, signedAt: timestamp.at };
}

/**
 * Stripe: `Stripe-Signature: t=…,v1=<hex>` over `<t>.<body>`, the `whsec_` secret used as-is, any v1
 * may match, tolerance in both directions. No deliveryId: templates take the event `id` from the payload.
 */
export const stripeScheme: SignatureScheme<NoOptions> = {
  name: 'stripe',
  parseOptions: createNoOptionsParser(),
  create(input) {
    if (input.secrets.length === 0) throw new Error('a verifier needs at least one secret');
    const keys = input.secrets.map((s) => Buffer.from(s.reveal(), 'utf8'));
    return { verify: (request) => verifyStripe(keys, input.toleranceSeconds, request) };
  },
  sign(input) {
    const t = String(Math.floor(input.now.getTime() / 1000));
    const v1 = hmacDigest('sha256', Buffer.from(input.secret, 'utf8'), [t, '.', input.body]).toString('hex');
    return { 'Stripe-Signature': `t=${t},v1=${v1}` };
  },
};
