import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { Secret } from '../../../src/config/secret.js';
import { schemes } from '../../../src/verify/schemes.js';
import type { VerifyResult } from '../../../src/verify/signature-scheme.js';
import { signWebhook } from '../../helpers/sign-webhook.js';
import { schemeCases } from './scheme-cases.js';

const body = Buffer.from('{"status":"firing","alerts":[{"labels":{"alertname":"DiskFull"}}]}');

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Sends through a real Node HTTP server and returns what it received: headers exactly as Node delivers them. */
function roundTrip(server: Server, headers: Record<string, string | string[]>): Promise<Received> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    server.once('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.end();
        resolve({ headers: req.headers, body: Buffer.concat(chunks) });
      });
    });
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/webhooks/x', headers });
    req.on('error', reject);
    req.on('response', (res) => res.resume());
    req.end(body);
  });
}

describe('signature schemes behind a real Node HTTP server', () => {
  let server: Server;
  before(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  after(async () => new Promise<void>((resolve) => server.close(() => resolve())));

  const spellings = {
    "as the sender spells them": (name: string) => name,
    'in upper case': (name: string) => name.toUpperCase(),
  } as const;

  for (const c of schemeCases) {
    for (const [spelling, spell] of Object.entries(spellings)) {
      it(`${c.title}: accepts header names ${spelling}, values padded with spaces`, async () => {
        const now = new Date();
        const signed = await signWebhook(c.scheme, body, { secret: c.secrets.current, now, options: c.options });
        const sent = Object.fromEntries(Object.entries(signed).map(([k, v]) => [spell(k), ` ${v}  `]));
        const received = await roundTrip(server, sent);
        const scheme = schemes[c.scheme];
        const options = scheme.parseOptions(c.options);
        const verifier = scheme.create({ secrets: [new Secret(c.secrets.current)], toleranceSeconds: 300, options });
        const result: VerifyResult = verifier.verify({ headers: received.headers, rawBody: received.body, now });
        expect(result.ok, JSON.stringify(result)).to.equal(true);
      });
    }

    // Node joins most repeated headers with ", " instead of giving an array; that must not pass either.
    if (c.signsBody) {
      it(`${c.title}: refuses a signature header sent twice (Node joins the copies) as malformed_header`, async () => {
        const now = new Date();
        const signed = await signWebhook(c.scheme, body, { secret: c.secrets.current, now, options: c.options });
        const name = Object.keys(signed).find((k) => k.toLowerCase() === c.signatureHeader) ?? '';
        const value = signed[name] ?? '';
        const received = await roundTrip(server, { ...signed, [name]: [value, value] });
        const scheme = schemes[c.scheme];
        const options = scheme.parseOptions(c.options);
        const verifier = scheme.create({ secrets: [new Secret(c.secrets.current)], toleranceSeconds: 300, options });
        const result = verifier.verify({ headers: received.headers, rawBody: received.body, now });
        expect(result.ok ? 'accepted' : result.reason).to.equal('malformed_header');
      });
    }
  }
});
