import { createNoOptionsParser, type NoOptions } from './create-options-parser.js';
import { createHmacVerifier } from './create-hmac-verifier.js';
import { defineHmacSpec } from './hmac-spec.js';
import { signHmac } from './sign-hmac.js';
import type { SignatureScheme } from './signature-scheme.js';

const spec = defineHmacSpec({
  sender: 'GitHub',
  header: 'X-Hub-Signature-256',
  prefix: 'sha256=',
  idHeader: 'X-GitHub-Delivery',
});

/** GitHub: `X-Hub-Signature-256: sha256=<hex>` over the raw body; deliveryId from `X-GitHub-Delivery`. */
export const githubScheme: SignatureScheme<NoOptions> = {
  name: 'github',
  parseOptions: createNoOptionsParser(),
  create: (input) => createHmacVerifier(spec, input),
  sign: (input) => signHmac(spec, input),
};
