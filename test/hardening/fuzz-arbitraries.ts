import type { OutgoingHttpHeaders } from 'node:http';
import fc from 'fast-check';

/** A JSON text nested `n` levels deep, as arrays or objects. */
export function nestedJson(n: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? '['.repeat(n) + ']'.repeat(n) : '{"a":'.repeat(n) + '1' + '}'.repeat(n);
}

/** Request bodies no sender should send: raw bytes, broken, deep, huge, odd Unicode, polluting. */
export function hostileBody(valid: readonly string[], limitBytes: number): fc.Arbitrary<Buffer> {
  const text = (s: string): Buffer => Buffer.from(s, 'utf8');
  const someValid = valid.length === 0 ? fc.constant('{}') : fc.constantFrom(...valid);
  return fc.oneof(
    fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b)),
    fc.json({ maxDepth: 4 }).map(text),
    fc.tuple(someValid, fc.nat()).map(([v, n]) => text(v.slice(0, n % Math.max(1, v.length)))),
    fc.tuple(someValid, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 4 })).map(([v, n, junk]) => {
      const at = n % Math.max(1, v.length);
      return Buffer.concat([text(v.slice(0, at)), Buffer.from(junk), text(v.slice(at))]);
    }),
    fc
      .tuple(fc.constantFrom(10, 63, 64, 65, 66, 500, 5_000, 60_000), fc.constantFrom<'array' | 'object'>('array', 'object'))
      .map(([n, kind]) => text(nestedJson(n, kind))),
    fc.constantFrom(1_000, 60_000, limitBytes - 40, limitBytes + 1, limitBytes * 2).map((n) => text(`{"messageBody":"${'x'.repeat(Math.max(0, n))}"}`)),
    fc.constantFrom(1_000, 50_000, Math.floor(limitBytes / 2) - 2).map((n) => text(`[${'1,'.repeat(n)}1]`)),
    fc.constantFrom(
      text('{"__proto__":{"polluted":true}}'),
      text('{"a":{"__proto__":{"polluted":true}}}'),
      text('{"constructor":{"prototype":{"polluted":true}}}'),
      text('[{"__proto__":null}]'),
      text('{"__proto__":[]}'),
      text('{"\\u005f\\u005fproto\\u005f\\u005f":{"polluted":true}}'),
      text('{"prototype":{"polluted":true},"toString":1,"hasOwnProperty":"x","valueOf":null}'),
      text('{"a":1,"a":{"b":2}}'),
      text('{"phoneNumber":"\\ud800","mediaUrl":"https://e.com/\\udc00"}'),
      text('"just a string"'),
      text('null'),
      text('1e999999'),
      text('-0'),
      text(''),
      text('   \r\n\t '),
      text('\ufeff{"a":1}'),
      Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]),
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0x80, 0x22, 0x7d]),
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
      Buffer.from([0x00, 0x00, 0x00, 0x7b]),
      Buffer.from('{"a":"\u202e\u200d👩‍👩‍👧"}', 'utf16le'),
    ),
  );
}

/** A header value as Node's client sends it: any Unicode text goes out as its UTF-8 bytes. */
function latin1(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b));

const headerValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map(latin1),
  fc.constantFrom('', ' ', '\t', 'null', 'undefined', '0', '-1', '9'.repeat(40), 'Bearer', 'Bearer ', 'Basic Og==', 'v1,', 'v1,=', 't=,v1='),
  fc.constantFrom(1_000, 8_192, 8_193, 12_000, 20_000).map((n) => 'A'.repeat(n)),
  bytes32.map((b) => `v1,${b.toString('base64')}`),
  bytes32.map((b) => `t=${Math.floor(Date.now() / 1000)},v1=${b.toString('hex')}`),
  bytes32.map((b) => b.toString('hex')),
  bytes32.map((b) => `sha256=${b.toString('hex')}`),
);

const contentTypes = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/json; charset=utf-16',
  'application/problem+json',
  'application/vnd.api+json',
  'application/json, text/plain',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/jsonx',
  '',
];

const headerNames = [
  'authorization',
  'x-api-key',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'stripe-signature',
  'x-shopify-hmac-sha256',
  'x-shopify-webhook-id',
  'x-grafana-alerting-signature',
  'x-hub-signature-256',
  'x-github-delivery',
  'idempotency-key',
  'snsgate-to',
  'x-request-id',
  'x-forwarded-for',
  'accept',
  'accept-encoding',
  'cookie',
  'origin',
  'x-http-method-override',
  '__proto__',
  'constructor',
];

/** Extra headers: any of the names snsgate reads (and some it should not), repeated or huge values. */
export function hostileHeaders(): fc.Arbitrary<OutgoingHttpHeaders> {
  const entry = fc.tuple(
    fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...headerNames) }, { weight: 1, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/) }),
    fc.oneof({ weight: 4, arbitrary: headerValue }, { weight: 1, arbitrary: fc.array(headerValue, { minLength: 2, maxLength: 3 }) }),
  );
  return fc
    .record({
      contentType: fc.oneof(fc.constantFrom(...contentTypes), fc.array(fc.constantFrom(...contentTypes), { minLength: 2, maxLength: 2 })),
      contentEncoding: fc.option(fc.constantFrom('gzip', 'identity', 'br', 'GZIP', 'deflate, gzip', ''), { nil: undefined }),
      entries: fc.array(entry, { maxLength: 5 }),
    })
    .map(({ contentType, contentEncoding, entries }) => {
      const headers: OutgoingHttpHeaders = {};
      for (const [name, value] of entries) Object.defineProperty(headers, name, { value, enumerable: true, writable: true, configurable: true });
      headers['content-type'] = contentType;
      if (contentEncoding !== undefined) headers['content-encoding'] = contentEncoding;
      return headers;
    });
}

/** A route parameter an attacker might try: ids of other things, traversal, encodings, prototype names. */
export const hostileSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'mms',
    'order-shipped',
    'alertmanager',
    'unknown',
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    '..',
    '%2e%2e',
    '..%2f..%2fetc%2fpasswd',
    '%00',
    '%ff',
    '%',
    '%E0%A4%A',
    '%E2%80%AE',
    '%F0%9F%98%80',
    'a'.repeat(300),
    'x'.repeat(5000),
    ';',
    'mms;x=1',
    'MMS',
    'mms%20',
    '01J0000000000000000000000',
  ),
  fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,;=:@%-]{1,40}$/),
);

/** Methods, well known and not. */
export const anyMethod: fc.Arbitrary<string> = fc.constantFrom(
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'TRACE',
  'PROPFIND',
  'MKCOL',
  'PURGE',
  'SEARCH',
  'LINK',
  'QUERY',
);

/** A query string with repeated, odd and prototype-named keys. */
export const hostileQuery: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(
      fc.constantFrom('status', 'limit', 'since', 'until', 'template', 'recipient', 'cursor', 'mode', '__proto__', 'constructor', 'x[y]', 'a.b'),
      fc.oneof(
        fc.constantFrom('sent', 'dead', 'nope', '0', '1', '500', '501', '-1', '1e3', '2025-01-01T00:00:00Z', 'not-a-date', '%', '%ff', '', 'sync', 'queued'),
        fc.stringMatching(/^[A-Za-z0-9%_.~-]{0,60}$/),
        fc.uint8Array({ minLength: 24, maxLength: 24 }).map((b) => Buffer.from(b).toString('base64url')),
      ),
    ),
    { maxLength: 5 },
  )
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`));
