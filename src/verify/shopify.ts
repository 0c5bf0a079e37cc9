import { createNoOptionsParser, type NoOptions } from './create-options-parser.js';
import { createHmacVerifier } from './create-hmac-verifier.js';
import { defineHmacSpec } from './hmac-spec.js';
import { signHmac } from './sign-hmac.js';
import type { SignatureScheme } from './signature-scheme.js';

const spec = defineHmacSpec({
  sender: 'Shopify',
  header: 'X-Shopify-Hmac-Sha256',
  encoding: 'base64',
  idHeader: 'X-Shopify-Webhook-Id',
});

/** Shopify: `X-Shopify-Hmac-Sha256: <base64>` over the raw body; deliveryId from `X-Shopify-Webhook-Id`. */
export const shopifyScheme: SignatureScheme<NoOptions> = {
  name: 'shopify',
  parseOptions: createNoOptionsParser(),
  create: (input) => createHmacVerifier(spec, input),
  sign: (input) => signHmac(spec, input),
};
