import type { JSONSchemaType } from 'ajv';
import { createOptionsParser } from './create-options-parser.js';
import { headerNameSchema } from './header-name-schema.js';
import { requireHeader } from './read-header.js';
import { anySafeEqual } from './safe-equal.js';
import { sha256 } from './sha256.js';
import type { SignatureScheme, WebhookRequest } from './signature-scheme.js';
import { verifyFailure } from './verify-failure.js';

/** Where the token comes: `Authorization: Bearer <token>`, or the raw value of another header. */
export type BearerOptions = { header: string };

const schema: JSONSchemaType<BearerOptions> = {
  type: 'object',
  properties: { header: { ...headerNameSchema, default: 'Authorization' } },
  required: ['header'],
  additionalProperties: false,
};

const bearer = /^bearer +(\S+)$/i;

function verifyBearer(header: string, tokens: readonly Buffer[], request: WebhookRequest) {
  const value = requireHeader(request.headers, header, 'the sender');
  if (!value.ok) return value;
  let token = value.value;
  if (header === 'authorization') {
    const match = bearer.exec(token);
    if (match?.[1] === undefined) return verifyFailure('malformed_header', 'header authorization is not "Bearer <token>"');
    token = match[1];
  }
  if (!anySafeEqual(tokens, [sha256(token)])) {
    return verifyFailure(
      'no_matching_signature',
      `no token matched any of ${tokens.length} configured secret(s); is the sender's token current ` +
        "(Alertmanager: http_config.authorization.credentials)?",
    );
  }
  return { ok: true as const };
}

/** A shared token for senders that cannot sign (Alertmanager `http_config.authorization`); constant-time. */
export const bearerScheme: SignatureScheme<BearerOptions> = {
  name: 'bearer',
  parseOptions: createOptionsParser(schema),
  create(input) {
    if (input.secrets.length === 0) throw new Error('a verifier needs at least one secret');
    const header = input.options.header.toLowerCase();
    const tokens = input.secrets.map((s) => {
      if (header === 'authorization' && /\s/.test(s.reveal())) throw new Error('secret contains whitespace, which a Bearer token cannot');
      return sha256(s.reveal());
    });
    return { verify: (request) => verifyBearer(header, tokens, request) };
  },
  sign(input) {
    const { header } = input.options;
    return { [header]: header.toLowerCase() === 'authorization' ? `Bearer ${input.secret}` : input.secret };
  },
};
