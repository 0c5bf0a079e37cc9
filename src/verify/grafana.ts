import type { JSONSchemaType } from 'ajv';
import { createOptionsParser } from './create-options-parser.js';
import { createHmacVerifier } from './create-hmac-verifier.js';
import { headerNameSchema } from './header-name-schema.js';
import { defineHmacSpec, type HmacSpec } from './hmac-spec.js';
import { signHmac } from './sign-hmac.js';
import type { SignatureScheme } from './signature-scheme.js';

/** Grafana's `hmacConfig` minus the secret: the signature header and an optional timestamp header. */
export type GrafanaOptions = { header: string; timestampHeader?: string };

const schema: JSONSchemaType<GrafanaOptions> = {
  type: 'object',
  properties: {
    header: { ...headerNameSchema, default: 'X-Grafana-Alerting-Signature' },
    timestampHeader: { ...headerNameSchema, nullable: true },
  },
  required: ['header'],
  additionalProperties: false,
};

// Grafana signs `<ts>:<body>` only when a timestamp header is configured (grafana/alerting http/hmac.go).
function specOf(options: GrafanaOptions): HmacSpec {
  return defineHmacSpec({
    sender: 'Grafana',
    header: options.header,
    timestampHeader: options.timestampHeader,
    signedContent: options.timestampHeader === undefined ? '{body}' : '{timestamp}:{body}',
  });
}

/** Grafana alerting webhook: lower-case hex HMAC-SHA256 of the body, or of `<ts>:<body>` with `timestampHeader`. */
export const grafanaScheme: SignatureScheme<GrafanaOptions> = {
  name: 'grafana',
  parseOptions: createOptionsParser(schema),
  create: (input) => createHmacVerifier(specOf(input.options), input),
  sign: (input) => signHmac(specOf(input.options), input),
};
