import type { JSONSchemaType } from 'ajv';
import { createOptionsParser } from './create-options-parser.js';
import { createHmacVerifier } from './create-hmac-verifier.js';
import type { SignatureEncoding } from './decode-signature.js';
import { headerNameSchema } from './header-name-schema.js';
import type { HmacAlgorithm } from './hmac-digest.js';
import { defineHmacSpec, parseSignedContent, type HmacSpec } from './hmac-spec.js';
import type { TimestampUnit } from './read-timestamp.js';
import { errorMessage } from '../errors.js';
import { SchemeOptionError } from './scheme-option-error.js';
import type { SecretEncoding } from './secret-key.js';
import { signHmac } from './sign-hmac.js';
import type { SignatureScheme } from './signature-scheme.js';

/** A generic HMAC sender described as data, so a new sender needs config, not code. */
export type HmacOptions = {
  header: string;
  algorithm: HmacAlgorithm;
  encoding: SignatureEncoding;
  prefix: string;
  signedContent: string;
  timestampHeader?: string;
  timestampUnit: TimestampUnit;
  idHeader?: string;
  secretEncoding: SecretEncoding;
};

const schema: JSONSchemaType<HmacOptions> = {
  type: 'object',
  properties: {
    header: headerNameSchema,
    algorithm: { type: 'string', enum: ['sha1', 'sha256', 'sha512'], default: 'sha256' },
    encoding: { type: 'string', enum: ['hex', 'base64'], default: 'hex' },
    prefix: { type: 'string', maxLength: 64, default: '' },
    signedContent: { type: 'string', minLength: 1, maxLength: 256, default: '{body}' },
    timestampHeader: { ...headerNameSchema, nullable: true },
    timestampUnit: { type: 'string', enum: ['s', 'ms'], default: 's' },
    idHeader: { ...headerNameSchema, nullable: true },
    secretEncoding: { type: 'string', enum: ['utf8', 'base64', 'hex'], default: 'utf8' },
  },
  required: ['header', 'algorithm', 'encoding', 'prefix', 'signedContent', 'timestampUnit', 'secretEncoding'],
  additionalProperties: false,
};

// Rules across options: a template field needs its header, and a timestamp header that is not
// signed would give no replay protection at all.
function check(options: HmacOptions): void {
  let parts;
  try {
    parts = parseSignedContent(options.signedContent);
  } catch (err) {
    throw new SchemeOptionError('signedContent', errorMessage(err));
  }
  const uses = (field: string): boolean => parts.some((p) => 'field' in p && p.field === field);
  if (uses('timestamp') && options.timestampHeader === undefined) {
    throw new SchemeOptionError('timestampHeader', 'is required when signedContent uses {timestamp}');
  }
  if (!uses('timestamp') && options.timestampHeader !== undefined) {
    throw new SchemeOptionError('signedContent', 'must use {timestamp} when timestampHeader is set, or replays go unnoticed');
  }
  if (uses('id') && options.idHeader === undefined) {
    throw new SchemeOptionError('idHeader', 'is required when signedContent uses {id}');
  }
}

function specOf(options: HmacOptions): HmacSpec {
  return defineHmacSpec({ sender: 'the sender', ...options });
}

/** Generic HMAC: header, algorithm, hex/base64, prefix, signed-content template, optional timestamp and id headers. */
export const hmacScheme: SignatureScheme<HmacOptions> = {
  name: 'hmac',
  parseOptions: createOptionsParser(schema, check),
  create: (input) => createHmacVerifier(specOf(input.options), input),
  sign: (input) => signHmac(specOf(input.options), input),
};
