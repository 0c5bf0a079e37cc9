import { createHash } from 'node:crypto';

/** SHA-256 of a value: credentials are compared as fixed-length digests, so timing hides their length too. */
export function sha256(value: string | Buffer): Buffer {
  return createHash('sha256').update(value).digest();
}
