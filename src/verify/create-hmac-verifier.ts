import { checkTolerance } from './check-tolerance.js';
import { decodeSignature } from './decode-signature.js';
import { hmacByteLength, hmacDigest } from './hmac-digest.js';
import { describeSignedContent, fillSignedContent, parseSignedContent, type HmacSpec } from './hmac-spec.js';
import { readHeader, requireHeader } from './read-header.js';
import { readTimestamp } from './read-timestamp.js';
import { safeEqual } from './safe-equal.js';
import { secretKey } from './secret-key.js';
import type { IncomingHeaders, Verifier, VerifierInput, WebhookRequest } from './signature-scheme.js';
import { verifyFailure, type VerifyFailure } from './verify-failure.js';

type Optional = { readonly ok: true; readonly value: string | undefined } | VerifyFailure;
type OptionalTimestamp = { readonly ok: true; readonly at?: Date; readonly text?: string } | VerifyFailure;

function readOptionalTimestamp(spec: HmacSpec, headers: IncomingHeaders): OptionalTimestamp {
  if (spec.timestampHeader === undefined) return { ok: true };
  const name = spec.timestampHeader.toLowerCase();
  const header = requireHeader(headers, name, spec.sender);
  return header.ok ? readTimestamp(header.value, `header ${name}`, spec.timestampUnit) : header;
}

function readId(spec: HmacSpec, headers: IncomingHeaders, signed: boolean): Optional {
  if (spec.idHeader === undefined) return { ok: true, value: undefined };
  const name = spec.idHeader.toLowerCase();
  return signed ? requireHeader(headers, name, spec.sender) : readHeader(headers, name);
}

/**
 * A verifier for an HMAC-over-headers scheme: the signature header (after its prefix) must equal the
 * HMAC of the signed content under any configured secret, and a signed timestamp must be in tolerance.
 * Throws when there is no secret or one is not valid in the spec's secret encoding.
 */
export function createHmacVerifier(spec: HmacSpec, input: VerifierInput<unknown>): Verifier {
  if (input.secrets.length === 0) throw new Error('a verifier needs at least one secret');
  const keys = input.secrets.map((s) => secretKey(s.reveal(), spec.secretEncoding));
  const parts = parseSignedContent(spec.signedContent);
  const signsId = parts.some((p) => 'field' in p && p.field === 'id');
  const header = spec.header.toLowerCase();
  const shape = `${spec.prefix}<${spec.encoding} ${spec.algorithm} HMAC>`;
  const noMatch =
    `no signature matched any of ${keys.length} configured secret(s); ${spec.sender} must sign ` +
    `${describeSignedContent(spec.signedContent)} exactly as sent — is the secret current, and does nothing rewrite the body?`;

  return {
    verify(request: WebhookRequest) {
      const signature = requireHeader(request.headers, header, spec.sender);
      if (!signature.ok) return signature;
      const timestamp = readOptionalTimestamp(spec, request.headers);
      if (!timestamp.ok) return timestamp;
      const id = readId(spec, request.headers, signsId);
      if (!id.ok) return id;

      const text = signature.value;
      const received = text.startsWith(spec.prefix)
        ? decodeSignature(text.slice(spec.prefix.length), spec.encoding, hmacByteLength[spec.algorithm])
        : undefined;
      if (received === undefined) return verifyFailure('malformed_header', `header ${header} is not ${shape}`);

      const content = fillSignedContent(parts, { body: request.rawBody, timestamp: timestamp.text, id: id.value });
      if (!keys.some((key) => safeEqual(hmacDigest(spec.algorithm, key, content), received))) {
        return verifyFailure('no_matching_signature', noMatch);
      }
      if (timestamp.at !== undefined) {
        const late = checkTolerance(timestamp.at, request.now, input.toleranceSeconds);
        if (late) return late;
      }
      return {
        ok: true,
        ...(id.value === undefined ? {} : { deliveryId: id.value }),
        ...(timestamp.at === undefined ? {} : { signedAt: timestamp.at }),
      };
    },
  };
}
