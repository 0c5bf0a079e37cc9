import { createHmac } from 'node:crypto';

/** HMAC hash functions a scheme may use. */
export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';

/** Digest sizes in bytes, so a received signature of the wrong size is refused before hashing. */
export const hmacByteLength: Readonly<Record<HmacAlgorithm, number>> = { sha1: 20, sha256: 32, sha512: 64 };

/** HMAC of the parts fed in order (strings as UTF-8, buffers as their exact bytes), never concatenated. */
export function hmacDigest(algorithm: HmacAlgorithm, key: Buffer, parts: readonly (string | Buffer)[]): Buffer {
  const hmac = createHmac(algorithm, key);
  for (const part of parts) hmac.update(part);
  return hmac.digest();
}
