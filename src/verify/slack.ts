import { createNoOptionsParser, type NoOptions } from './create-options-parser.js';
import { createHmacVerifier } from './create-hmac-verifier.js';
import { defineHmacSpec } from './hmac-spec.js';
import { signHmac } from './sign-hmac.js';
import type { SignatureScheme } from './signature-scheme.js';

const spec = defineHmacSpec({
  sender: 'Slack',
  header: 'X-Slack-Signature',
  prefix: 'v0=',
  signedContent: 'v0:{timestamp}:{body}',
  timestampHeader: 'X-Slack-Request-Timestamp',
});

/** Slack: `X-Slack-Signature: v0=<hex>` over `v0:<ts>:<body>`, `X-Slack-Request-Timestamp` in tolerance. */
export const slackScheme: SignatureScheme<NoOptions> = {
  name: 'slack',
  parseOptions: createNoOptionsParser(),
  create: (input) => createHmacVerifier(spec, input),
  sign: (input) => signHmac(spec, input),
};
