import { createNoOptionsParser, type NoOptions } from './create-options-parser.js';
import { requireHeader } from './read-header.js';
import { anySafeEqual } from './safe-equal.js';
import { sha256 } from './sha256.js';
import type { SignatureScheme, WebhookRequest } from './signature-scheme.js';
import { verifyFailure } from './verify-failure.js';

const basic = /^basic +([A-Za-z0-9+/]+={0,2})$/i;

function checkCredentials(secret: string): string {
  if (secret.indexOf(':') < 1) throw new Error('secret must be "user:password"');
  return secret;
}

function verifyBasic(credentials: readonly Buffer[], request: WebhookRequest) {
  const value = requireHeader(request.headers, 'authorization', 'the sender');
  if (!value.ok) return value;
  const encoded = basic.exec(value.value)?.[1];
  const decoded = encoded !== undefined && encoded.length % 4 === 0 ? Buffer.from(encoded, 'base64') : undefined;
  if (decoded?.includes(':') !== true) {
    return verifyFailure('malformed_header', 'header authorization is not "Basic base64(user:password)"');
  }
  if (!anySafeEqual(credentials, [sha256(decoded)])) {
    return verifyFailure(
      'no_matching_signature',
      `no user:password matched any of ${credentials.length} configured secret(s); are the sender's credentials current ` +
        '(Alertmanager: http_config.basic_auth)?',
    );
  }
  return { ok: true as const };
}

/** HTTP Basic for senders that cannot sign; each secret holds `user:password`; constant-time. */
export const basicScheme: SignatureScheme<NoOptions> = {
  name: 'basic',
  parseOptions: createNoOptionsParser(),
  create(input) {
    if (input.secrets.length === 0) throw new Error('a verifier needs at least one secret');
    const credentials = input.secrets.map((s) => sha256(checkCredentials(s.reveal())));
    return { verify: (request) => verifyBasic(credentials, request) };
  },
  sign(input) {
    return { Authorization: `Basic ${Buffer.from(checkCredentials(input.secret), 'utf8').toString('base64')}` };
  },
};
