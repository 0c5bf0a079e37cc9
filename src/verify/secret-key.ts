/** How a configured secret is written: its text as-is, or encoded key bytes. */
export type SecretEncoding = 'utf8' | 'base64' | 'hex';

const base64Pattern = /^[A-Za-z0-9+/]+={0,2}$/;
const hexPattern = /^(?:[0-9a-fA-F]{2})+$/;

/**
 * The HMAC key bytes of a secret written in `encoding`. Throws (naming the encoding, never the
 * value) when the text is not valid in it.
 */
export function secretKey(secret: string, encoding: SecretEncoding): Buffer {
  if (encoding === 'utf8') return Buffer.from(secret, 'utf8');
  if (encoding === 'hex') {
    if (!hexPattern.test(secret)) throw new Error('secret is not valid hex');
    return Buffer.from(secret, 'hex');
  }
  if (secret.length % 4 !== 0 || !base64Pattern.test(secret)) throw new Error('secret is not valid base64');
  return Buffer.from(secret, 'base64');
}
