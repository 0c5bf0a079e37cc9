import getRawBody from 'raw-body';
import sjson from 'secure-json-parse';
import { GatewayError } from '../errors.js';
import type { AppContext } from './app-state.js';

const jsonType = /^application\/(?:[\w.+-]+\+)?json$/i;

/**
 * Reads the exact request bytes, refusing non-JSON content types (415), content encodings (415) and
 * bodies over `limitBytes` (413, whatever Content-Length claims; chunked bodies are counted too).
 */
export async function readRawBody(ctx: AppContext, limitBytes: number): Promise<Buffer> {
  const type = (ctx.get('content-type').split(';')[0] ?? '').trim();
  if (!jsonType.test(type)) {
    throw new GatewayError(
      'SNSGATE_CONTENT_TYPE_UNSUPPORTED',
      `expected Content-Type application/json, got ${type === '' ? 'none' : JSON.stringify(type.slice(0, 100))}`,
    );
  }
  const encoding = ctx.get('content-encoding').trim().toLowerCase();
  if (encoding !== '' && encoding !== 'identity') {
    throw new GatewayError('SNSGATE_CONTENT_TYPE_UNSUPPORTED', 'compressed request bodies are not accepted; send identity encoding');
  }
  const declared = ctx.get('content-length');
  return getRawBody(ctx.req, {
    limit: limitBytes,
    ...(/^\d+$/.test(declared) ? { length: Number(declared) } : {}),
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses JSON after any signature check: strict UTF-8, no empty body, and no `__proto__` or
 * `constructor.prototype` keys (prototype pollution), each refused with 400 and what to fix.
 */
export function parseJson(raw: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch (err) {
    throw new GatewayError('SNSGATE_BODY_MALFORMED', 'request body is not valid UTF-8', { cause: err });
  }
  if (text.trim() === '') throw new GatewayError('SNSGATE_BODY_MALFORMED', 'request body is empty; send a JSON object');
  let value: unknown;
  try {
    value = sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (err) {
    const why = err instanceof RangeError ? 'it is nested too deeply' : err instanceof Error ? err.message : 'unknown';
    throw new GatewayError('SNSGATE_BODY_MALFORMED', `request body is not valid JSON: ${why}`, { cause: err });
  }
  if (depthOver(value, maxDepth)) {
    throw new GatewayError('SNSGATE_BODY_MALFORMED', `request body is nested more than ${maxDepth} levels deep`);
  }
  return value;
}

/** Nesting allowed in a JSON body; deeper documents would only serve to exhaust recursive code later. */
export const maxDepth = 64;

function depthOver(root: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[root, 1]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [value, depth] = item;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return false;
}
