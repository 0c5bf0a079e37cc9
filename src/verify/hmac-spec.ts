import type { SignatureEncoding } from './decode-signature.js';
import type { HmacAlgorithm } from './hmac-digest.js';
import type { TimestampUnit } from './read-timestamp.js';
import type { SecretEncoding } from './secret-key.js';

/** Values a signed-content template can refer to. */
export type ContentField = 'body' | 'timestamp' | 'id';
/** One piece of a parsed signed-content template: literal text or a field. */
export type ContentPart = { readonly literal: string } | { readonly field: ContentField };

/**
 * Everything that defines an HMAC-over-headers scheme as data. Header names keep the sender's
 * spelling (used when signing); verifiers read them lower-cased.
 */
export interface HmacSpec {
  /** Who sends it, for operator hints ("GitHub", "the sender"). */
  readonly sender: string;
  readonly header: string;
  readonly algorithm: HmacAlgorithm;
  readonly encoding: SignatureEncoding;
  readonly prefix: string;
  readonly signedContent: string;
  readonly timestampHeader?: string | undefined;
  readonly timestampUnit: TimestampUnit;
  readonly idHeader?: string | undefined;
  readonly secretEncoding: SecretEncoding;
}

const placeholder = /\{([^{}]*)\}/g;
const fields: readonly string[] = ['body', 'timestamp', 'id'];

/**
 * Splits a signed-content template such as `v0:{timestamp}:{body}` into literal text and fields.
 * Throws when a placeholder is unknown or `{body}` does not appear exactly once.
 */
export function parseSignedContent(template: string): readonly ContentPart[] {
  const parts: ContentPart[] = [];
  let last = 0;
  for (const match of template.matchAll(placeholder)) {
    const name = match[1] ?? '';
    if (!fields.includes(name)) throw new Error(`has an unknown placeholder {${name}} (known: {body}, {timestamp}, {id})`);
    if (match.index > last) parts.push({ literal: template.slice(last, match.index) });
    parts.push({ field: name as ContentField });
    last = match.index + match[0].length;
  }
  if (last < template.length) parts.push({ literal: template.slice(last) });
  const bodies = parts.filter((p) => 'field' in p && p.field === 'body').length;
  if (bodies !== 1) throw new Error('must contain {body} exactly once, or the body would not be signed');
  return parts;
}

/** The values a signed-content template is filled with. */
export interface ContentValues {
  readonly body: Buffer;
  readonly timestamp?: string | undefined;
  readonly id?: string | undefined;
}

/** The template's parts with fields filled in, ready for `hmacDigest`; the body stays raw bytes. */
export function fillSignedContent(parts: readonly ContentPart[], values: ContentValues): (string | Buffer)[] {
  return parts.map((p) => ('literal' in p ? p.literal : (values[p.field] ?? '')));
}

/** Describes the signed content for hints, e.g. `"v0:{timestamp}:{body}" over the raw body`. */
export function describeSignedContent(template: string): string {
  return template === '{body}' ? 'the raw body' : `"${template}" with the raw body`;
}

/** A full spec from a sender's particulars; unspecified fields take the common defaults. */
export function defineHmacSpec(fields: Pick<HmacSpec, 'sender' | 'header'> & Partial<HmacSpec>): HmacSpec {
  return {
    algorithm: 'sha256',
    encoding: 'hex',
    prefix: '',
    signedContent: '{body}',
    timestampUnit: 's',
    secretEncoding: 'utf8',
    ...fields,
  };
}
