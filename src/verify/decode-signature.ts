/** How a signature is written in its header. */
export type SignatureEncoding = 'hex' | 'base64';

const hexPattern = /^[0-9a-fA-F]*$/;
const base64Pattern = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The bytes of a signature written in `encoding`, or undefined unless the text is exactly a
 * `byteLength`-byte value in that encoding (Node's own decoders silently skip bad characters).
 */
export function decodeSignature(text: string, encoding: SignatureEncoding, byteLength: number): Buffer | undefined {
  if (encoding === 'hex') {
    return text.length === byteLength * 2 && hexPattern.test(text) ? Buffer.from(text, 'hex') : undefined;
  }
  if (text.length !== Math.ceil(byteLength / 3) * 4 || !base64Pattern.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === byteLength ? bytes : undefined;
}
