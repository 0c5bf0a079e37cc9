import crypto from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import { syncBuiltinESMExports } from 'node:module';
import { expect } from 'chai';
import sinon from 'sinon';
import { Secret } from '../../src/config/secret.js';
import { anySafeEqual, safeEqual } from '../../src/verify/safe-equal.js';
import { schemes } from '../../src/verify/schemes.js';
import { startFakeSns, type FakeSns } from '../helpers/fake-sns-server.js';
import { testSecrets } from '../helpers/sign-webhook.js';
import { startTestService, type TestService } from '../helpers/test-service.js';
import { schemeCases } from '../unit/verify/scheme-cases.js';
import { closeAgent, jsonOf, looseLimits, printFigures, send, Tally, type RawResponse } from './hardening-kit.js';
import { otherSourceSecret, signCase, webhookCases, type WebhookCase } from './webhook-cases.js';

const signatureHeaderOf = (headers: Record<string, string>): string =>
  Object.keys(headers).find((h) => /signature|hmac|authorization/i.test(h)) ?? '';

let seq = 0;
const nonceOf = (): string => `n${process.pid}x${++seq}`;

describe('hardening: signature attacks over HTTP', function () {
  this.timeout(60_000);
  let fake: FakeSns;
  let t: TestService;
  const attacks = new Tally();
  const outcomes = new Tally();

  before(async () => {
    fake = await startFakeSns({ port: 0 });
    t = await startTestService({ snsEndpoint: fake.url, config: { limits: looseLimits } });
  });
  after(async () => {
    closeAgent();
    await t.close();
    await fake.close();
    printFigures('signature attacks', { 'attacks sent': attacks.total(), 'by attack': attacks, 'answers': outcomes });
  });

  async function post(c: WebhookCase, body: Buffer | string, headers: OutgoingHttpHeaders, attack: string): Promise<RawResponse> {
    const res = await send(t.url, {
      method: 'POST',
      path: `/webhooks/${c.template}`,
      headers: { 'content-type': 'application/json', ...headers },
      body: Buffer.isBuffer(body) ? body : Buffer.from(body),
    });
    attacks.add(attack);
    outcomes.add(res.status);
    return res;
  }

  /** SMS the fake SNS peer took whose text carries `nonce`, after the dispatcher had every chance to send. */
  async function smsFor(nonce: string): Promise<number> {
    await t.service.dispatcher.drain();
    return fake.published.filter((p) => p.message.includes(nonce)).length;
  }

  /** A 401 for a bad signature, and still only `sent` SMS for this nonce (what earlier, accepted requests sent). */
  async function expect401(res: RawResponse, nonce: string, sent = 0): Promise<void> {
    expect(res.status, res.body.toString()).to.equal(401);
    expect(jsonOf(res).code).to.equal('SNSGATE_SIGNATURE_INVALID');
    expect(await smsFor(nonce)).to.equal(sent);
  }

  for (const c of webhookCases) {
    describe(`POST /webhooks/${c.template} (${c.scheme})`, () => {
      it('accepts the genuine delivery once; a replay inside the tolerance is a duplicate and sends no second SMS', async () => {
        const nonce = nonceOf();
        const body = JSON.stringify(c.payload(nonce));
        const headers = await signCase(c, body, { id: `id-${nonce}` });
        const first = await post(c, body, headers, 'genuine');
        expect(first.status, first.body.toString()).to.equal(202);
        expect(await smsFor(nonce)).to.equal(c.recipients);
        for (let i = 0; i < 3; i++) {
          const replay = await post(c, body, headers, 'replay inside tolerance');
          expect(replay.status).to.be.oneOf([200, 202]);
          expect(replay.headers['idempotent-replayed']).to.equal('true');
          expect(jsonOf(replay).duplicate).to.equal(true);
        }
        expect(await smsFor(nonce)).to.equal(c.recipients);
      });

      it(c.scheme === 'bearer' ? 'accepts a changed body with a valid token: a bearer token authenticates the sender, not the body' : 'answers 401 for a tampered body', async () => {
        const nonce = nonceOf();
        const body = JSON.stringify(c.payload(nonce));
        const headers = await signCase(c, body, { id: `id-${nonce}` });
        const tampered = [body.replace('"', ' "'), `${body} `, body.replace(nonce, `${nonce}X`), `${body.slice(0, -1)},"x":1}`];
        for (const variant of tampered) {
          const res = await post(c, variant, headers, 'tampered body');
          if (c.scheme === 'bearer') expect(res.status).to.be.oneOf([200, 202]);
          else await expect401(res, nonce);
        }
      });

      it("answers 401 for a genuine signature made with another source's secret, or a retired one", async () => {
        const nonce = nonceOf();
        const body = JSON.stringify(c.payload(nonce));
        await expect401(await post(c, body, await signCase(c, body, { secret: otherSourceSecret(c) }), "another source's secret"), nonce);
        await expect401(await post(c, body, await signCase(c, body, { secret: testSecrets[c.scheme].retired }), 'retired secret'), nonce);
      });

      it('answers 401 for every truncation of the signature, and for a missing or empty one', async () => {
        const nonce = nonceOf();
        const body = JSON.stringify(c.payload(nonce));
        const headers = await signCase(c, body, { id: `id-${nonce}` });
        const name = signatureHeaderOf(headers);
        const value = headers[name] ?? '';
        const cuts = new Set([0, 1, 7, Math.floor(value.length / 2), value.length - 2, value.length - 1]);
        for (const cut of cuts) await expect401(await post(c, body, { ...headers, [name]: value.slice(0, cut) }, 'truncated signature'), nonce);
        const without = Object.fromEntries(Object.entries(headers).filter(([k]) => k !== name));
        await expect401(await post(c, body, without, 'missing signature'), nonce);
      });

      it('answers 401 for the signature of an empty body sent with a body; an empty body correctly signed is 400', async () => {
        const nonce = nonceOf();
        const body = JSON.stringify(c.payload(nonce));
        const forEmpty = await signCase(c, '', { id: `id-${nonce}` });
        if (c.scheme === 'bearer') expect((await post(c, body, forEmpty, 'empty-body signature')).status).to.equal(202);
        else await expect401(await post(c, body, forEmpty, 'empty-body signature'), nonce);
        const empty = await post(c, '', forEmpty, 'empty body, signed');
        expect(empty.status).to.equal(400);
        expect(jsonOf(empty).code).to.equal('SNSGATE_BODY_MALFORMED');
      });

      if (c.timestamped) {
        it('answers 401 for a replay outside the tolerance, in the past and in the future', async () => {
          const nonce = nonceOf();
          const body = JSON.stringify(c.payload(nonce));
          for (const skewSeconds of [-301, -3600, 301, 86_400]) {
            const now = new Date(Date.now() + skewSeconds * 1000);
            await expect401(await post(c, body, await signCase(c, body, { id: `id-${nonce}`, now }), 'replay outside tolerance'), nonce);
          }
          const edge = await post(c, body, await signCase(c, body, { id: `id-${nonce}`, now: new Date(Date.now() - 290_000) }), 'inside tolerance edge');
          expect(edge.status).to.equal(202);
        });
      }

      if (c.idFrom !== 'none') {
        it('treats a correctly re-signed different body under the same id as a duplicate: the first is what was sent, once', async () => {
          const nonce = nonceOf();
          const body = JSON.stringify(c.payload(nonce));
          expect((await post(c, body, await signCase(c, body, { id: `id-${nonce}` }), 'genuine')).status).to.equal(202);
          // Same id (header or payload), different text: a sender bug or a replay with edits; the id is the identity.
          const edited = JSON.stringify(c.edited(nonce));
          const res = await post(c, edited, await signCase(c, edited, { id: `id-${nonce}` }), 'same id, re-signed other body');
          expect(res.status).to.be.oneOf([200, 202]);
          expect(jsonOf(res).duplicate).to.equal(true);
          expect(await smsFor(nonce)).to.equal(c.recipients);
          expect(fake.published.filter((p) => p.message.includes('EDITED'))).to.have.length(0);
        });
      }

      it('header names in any case and values with surrounding spaces are the same header; inner spaces and a repeated header are refused', async () => {
        const nonce = nonceOf();
        const body = JSON.stringify(c.payload(nonce));
        const headers = await signCase(c, body, { id: `id-${nonce}` });
        const name = signatureHeaderOf(headers);
        const value = headers[name] ?? '';
        const inner = value.length > 12 ? `${value.slice(0, -8)} ${value.slice(-8)}` : `${value} x`;
        await expect401(await post(c, body, { ...headers, [name]: inner }, 'space inside signature'), nonce);
        // The last lower-case letter upper-cased: hex still decodes to the same bytes (no forgery); base64 and tokens change.
        const recased = await post(c, body, { ...headers, [name]: value.replace(/[a-z](?=[^a-z]*$)/, (ch) => ch.toUpperCase()) }, 'case-changed signature');
        let sent = 0;
        if (c.encoding === 'hex') {
          expect(recased.status).to.equal(202);
          sent = c.recipients;
        } else await expect401(recased, nonce);
        const repeated = await post(c, body, { ...headers, [name]: [value, value] }, 'repeated signature header');
        // Node keeps the first of repeated Authorization headers; other repeated headers arrive joined by ", ".
        if (name.toLowerCase() === 'authorization') {
          expect(repeated.status).to.equal(202);
          sent = c.recipients;
        } else await expect401(repeated, nonce, sent);
        const shouting = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), ` \t${v}\t `]));
        const ok = await post(c, body, shouting, 'upper-case names, padded values');
        expect(ok.status).to.be.oneOf([200, 202]);
        expect(jsonOf(ok).duplicate).to.equal(sent > 0);
        expect(await smsFor(nonce)).to.equal(c.recipients);
      });
    });
  }
});

describe('hardening: signatures are compared in constant time (by construction)', () => {
  let spy: sinon.SinonSpy<Parameters<typeof crypto.timingSafeEqual>, boolean>;

  beforeEach(() => {
    // Named imports of node:crypto follow the CommonJS object once synced; so src/verify sees the spy.
    spy = sinon.spy(crypto, 'timingSafeEqual');
    syncBuiltinESMExports();
  });
  afterEach(() => {
    sinon.restore();
    syncBuiltinESMExports();
  });

  it('safeEqual says false for different lengths without calling timingSafeEqual (which would throw)', () => {
    expect(safeEqual(Buffer.from('abc'), Buffer.from('abcd'))).to.equal(false);
    expect(spy.callCount).to.equal(0);
    expect(safeEqual(Buffer.from('abcd'), Buffer.from('abce'))).to.equal(false);
    expect(spy.callCount).to.equal(1);
    expect(anySafeEqual([Buffer.alloc(32, 1), Buffer.alloc(32, 2)], [Buffer.alloc(32, 3)])).to.equal(false);
    expect(spy.callCount).to.equal(3);
  });

  for (const sc of schemeCases) {
    it(`${sc.title}: a wrong signature of the right length is refused by crypto.timingSafeEqual`, () => {
      const scheme = schemes[sc.scheme];
      const options = scheme.parseOptions(sc.options);
      const verifier = scheme.create({ secrets: [new Secret(sc.secrets.current), new Secret(sc.secrets.next)], toleranceSeconds: 300, options });
      const now = new Date();
      const body = Buffer.from('{"a":1}');
      const headers = scheme.sign({ secret: sc.secrets.retired, body, now, id: 'delivery-1', options });
      const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
      const result = verifier.verify({ headers: lower, rawBody: body, now });
      expect(result.ok).to.equal(false);
      expect(spy.callCount, 'timingSafeEqual calls').to.be.at.least(1);
      for (const call of spy.getCalls()) {
        const [a, b] = call.args as [Buffer, Buffer];
        expect(a.length, 'compared buffers have equal length').to.equal(b.length);
      }
    });
  }
});
