import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type { FakeSns } from '../../helpers/fake-sns-server.js';
import { testSecrets } from '../../helpers/sign-webhook.js';
import { startTestService, useServiceOnFakeSns, testEnv, type TestService } from '../../helpers/test-service.js';
import {
  examplePayload,
  examplesOf,
  jsonAnswer,
  problem,
  publishOf,
  settled,
  smsTypeOf,
  uniqueTag,
  waitForFinal,
  type SendAnswer,
} from './api-kit.js';
import {
  changeOneByte,
  deliver,
  signedFor,
  webhookSources,
  withFreshIdentity,
  withoutHeader,
  type SignedRequest,
  type WebhookSource,
} from './webhook-kit.js';

const onCall = (testEnv.ALERT_SMS_TO ?? '').split(',');

/** The log lines of one request (by the X-Request-Id it answered with). */
function linesOf(t: TestService, res: Response): Record<string, unknown>[] {
  const id = res.headers.get('x-request-id');
  return t.logs().filter((l) => l.requestId === id);
}

/** A valid payload of the source's template with an identity no other test uses. */
function freshPayload(source: WebhookSource): Buffer {
  const [first] = examplesOf(source.template, 'valid');
  if (first === undefined) throw new Error(`${source.template} ships no valid example`);
  const payload = withFreshIdentity(source.template, examplePayload(source.template, first.name), uniqueTag('t'));
  return Buffer.from(JSON.stringify(payload));
}

describe('POST /webhooks/:template', () => {
  let sns: FakeSns;
  let t: TestService;

  useServiceOnFakeSns({}, (running) => ({ sns, t } = running));
  afterEach(() => sns.clearFaults());

  for (const source of webhookSources) {
    for (const example of examplesOf(source.template, 'valid')) {
      it(`accepts the ${source.scheme}-${source.signsBody ? 'signed' : 'authenticated'} ${source.template} example "${example.name}" and publishes exactly its golden text as Transactional SMS`, async () => {
        expect(example.golden, `${example.name}.txt`).to.be.a('string');
        const res = await deliver(t, source.template, await signedFor(source, example.raw));
        const answer = await jsonAnswer<SendAnswer>(res, 202);
        expect(answer).to.include({ status: 'accepted', template: source.template, mode: 'queued', duplicate: false });
        expect(answer.messages).to.have.length(source.recipients);
        const accepted = await Promise.all(answer.messages.map((m) => t.service.store.get(m.id)));
        expect(accepted.map((r) => r?.template)).to.deep.equal(answer.messages.map(() => source.template));

        const rows = await waitForFinal(t, answer.messages.map((m) => m.id));
        for (const row of rows) {
          expect(row.status).to.equal('sent');
          expect(row.body).to.equal(example.golden);
          const published = publishOf(sns, row.snsMessageId);
          expect(published.message).to.equal(example.golden);
          expect(published.phoneNumber).to.equal(row.recipient);
          expect(smsTypeOf(published)).to.equal('Transactional');
        }
        if (source.recipients > 1) expect(rows.map((r) => r.recipient)).to.have.members(onCall);
      });
    }
  }

  const refusals: { what: string; reason: string; applies: (s: WebhookSource) => boolean; make: (s: WebhookSource, body: Buffer) => Promise<SignedRequest> }[] = [
    {
      what: 'the body was changed by one byte after signing',
      reason: 'no_matching_signature',
      applies: (s) => s.signsBody,
      make: async (s, body) => {
        const signed = await signedFor(s, body);
        return { ...signed, body: changeOneByte(body) };
      },
    },
    {
      what: 'it was signed with a wrong (rotated-out) secret',
      reason: 'no_matching_signature',
      applies: () => true,
      make: (s, body) => signedFor(s, body, { secret: testSecrets[s.scheme].retired }),
    },
    {
      what: 'the signature header is missing',
      reason: 'missing_header',
      applies: () => true,
      make: async (s, body) => {
        const signed = await signedFor(s, body);
        return { ...signed, headers: withoutHeader(signed.headers, s.signatureHeader) };
      },
    },
  ];

  for (const source of webhookSources) {
    for (const refusal of refusals.filter((r) => r.applies(source))) {
      it(`answers ${source.template} (${source.scheme}) with a generic 401 when ${refusal.what}, and logs the reason`, async () => {
        const res = await deliver(t, source.template, await refusal.make(source, freshPayload(source)));
        const body = await problem(res, 401, 'SNSGATE_SIGNATURE_INVALID');
        expect(body.detail).to.equal('the webhook signature could not be verified');
        expect(body).to.not.have.any.keys('reason', 'hint', 'errors');
        const lines = linesOf(t, res);
        expect(lines.find((l) => l.code === 'SNSGATE_SIGNATURE_INVALID' && l.level === 'warn')).to.include({ reason: refusal.reason });
        expect(lines.map((l) => l.message)).to.not.include('accepted');
      });
    }
  }

  for (const source of webhookSources) {
    it(`accepts ${source.template} delivered twice only once: one SMS per recipient, the repeat marked duplicate with Idempotent-Replayed`, async () => {
      await settled(t);
      const before = sns.published.length;
      const signed = await signedFor(source, freshPayload(source));
      const first = await deliver(t, source.template, signed);
      const firstAnswer = await jsonAnswer<SendAnswer>(first, 202);
      expect(first.headers.get('idempotent-replayed')).to.equal(null);
      await waitForFinal(t, firstAnswer.messages.map((m) => m.id));

      const again = await deliver(t, source.template, signed);
      const againAnswer = await jsonAnswer<SendAnswer>(again, 202);
      expect(again.headers.get('idempotent-replayed')).to.equal('true');
      expect(againAnswer.duplicate).to.equal(true);
      expect(againAnswer.messages.map((m) => m.id)).to.deep.equal(firstAnswer.messages.map((m) => m.id));
      expect(againAnswer.messages.map((m) => m.status)).to.deep.equal(firstAnswer.messages.map(() => 'sent'));
      await settled(t);
      expect(sns.published.length - before).to.equal(source.recipients);
    });
  }

  for (const source of webhookSources) {
    it(`answers ${source.template} with 400 when a valid signature covers malformed JSON`, async () => {
      const res = await deliver(t, source.template, await signedFor(source, '{"status": "firing", '));
      const body = await problem(res, 400, 'SNSGATE_BODY_MALFORMED');
      expect(body.detail).to.match(/not valid JSON/);
    });
  }

  it('answers 422 listing every failing field with its JSON pointer and rule for a signed but schema-invalid payload', async () => {
    const source = webhookSources.find((s) => s.template === 'order-shipped')!;
    const payload = examplePayload('order-shipped', 'ups-two-items') as { type: string; data: Record<string, unknown> };
    const data = payload.data as { customer: Record<string, unknown>; items: Record<string, unknown>[]; trackingUrl: string };
    payload.type = 'order.delivered';
    data.customer.phone = '(206) 555-0177';
    data.trackingUrl = 'http://track.example.com/ups/1Z999AA10123456784';
    data.items[1] = { ...data.items[1], quantity: 0 };
    const res = await deliver(t, 'order-shipped', await signedFor(source, JSON.stringify(payload)));
    const body = await problem(res, 422, 'SNSGATE_PAYLOAD_INVALID');
    expect(body.errors?.map((e) => [e.pointer, e.rule])).to.have.deep.members([
      ['/type', 'const'],
      ['/data/customer/phone', 'pattern'],
      ['/data/trackingUrl', 'pattern'],
      ['/data/items/1/quantity', 'minimum'],
    ]);
    expect(linesOf(t, res).map((l) => l.message)).to.not.include('accepted');
  });

  for (const source of webhookSources) {
    for (const example of examplesOf(source.template, 'invalid')) {
      it(`answers 422 with field errors for the signed invalid ${source.template} example "${example.name}"`, async () => {
        const res = await deliver(t, source.template, await signedFor(source, example.raw));
        const body = await problem(res, 422, 'SNSGATE_PAYLOAD_INVALID');
        expect(body.errors).to.be.an('array').that.is.not.empty;
        for (const error of body.errors ?? []) {
          expect(error.pointer).to.match(/^(\/[^/]*)*$/);
          expect(error.rule).to.be.a('string').that.is.not.empty;
        }
        expect(linesOf(t, res).map((l) => l.message)).to.not.include('accepted');
      });
    }
  }

  it('answers 404 for an API-only template (mms), whatever the request carries', async () => {
    const orders = webhookSources.find((s) => s.scheme === 'standard-webhooks')!;
    const res = await deliver(t, 'mms', await signedFor(orders, readFileSync('templates/mms/examples/picture.json')));
    const body = await problem(res, 404, 'SNSGATE_TEMPLATE_NOT_FOUND');
    expect(body.detail).to.include('/v1/send/mms');
  });

  it('answers 404 for an unknown template', async () => {
    const orders = webhookSources.find((s) => s.scheme === 'standard-webhooks')!;
    const res = await deliver(t, 'no-such-template', await signedFor(orders, '{}'));
    await problem(res, 404, 'SNSGATE_TEMPLATE_NOT_FOUND');
  });

  it('never writes a secret or a signature into a log line or a response body, whatever the outcome', async () => {
    const sensitive = new Set<string>();
    const bodies: string[] = [];
    for (const source of webhookSources) {
      const secrets = testSecrets[source.scheme];
      for (const secret of [secrets.current, secrets.retired]) {
        sensitive.add(secret);
        if (secret.startsWith('whsec_')) sensitive.add(secret.slice('whsec_'.length));
      }
      const valid = await signedFor(source, freshPayload(source));
      const requests: SignedRequest[] = [
        valid,
        valid,
        { ...valid, body: changeOneByte(valid.body) },
        await signedFor(source, freshPayload(source), { secret: secrets.retired }),
        { ...valid, headers: withoutHeader(valid.headers, source.signatureHeader) },
        await signedFor(source, '{"oops": '),
        await signedFor(source, examplesOf(source.template, 'invalid')[0]?.raw ?? '{}'),
      ];
      for (const request of requests) {
        const signature = Object.entries(request.headers).find(([k]) => k.toLowerCase() === source.signatureHeader)?.[1];
        if (signature !== undefined) {
          sensitive.add(signature);
          // The MAC inside composite headers (v1,<b64>; t=…,v1=<hex>; Bearer <token>).
          for (const part of signature.split(/[ ,=]/)) if (part.length >= 16) sensitive.add(part);
        }
        const res = await deliver(t, source.template, request);
        bodies.push(`${res.status} ${JSON.stringify([...res.headers])} ${await res.text()}`);
      }
    }
    await settled(t);
    const logText = t.logs().map((l) => JSON.stringify(l));
    expect(logText.length).to.be.greaterThan(webhookSources.length * 7);
    for (const value of sensitive) {
      expect(logText.filter((l) => l.includes(value)), `log lines carrying ${value.slice(0, 6)}…`).to.deep.equal([]);
      expect(bodies.filter((b) => b.includes(value)), `answers carrying ${value.slice(0, 6)}…`).to.deep.equal([]);
    }
  });
});

describe('POST /webhooks/alertmanager with captured Alertmanager payloads', () => {
  let sns: FakeSns;
  let t: TestService;

  useServiceOnFakeSns({}, (running) => ({ sns, t } = running));

  it('texts every on-call number twice when a group fires and then resolves', async () => {
    const source = webhookSources.find((s) => s.template === 'alertmanager')!;
    const ids: string[] = [];
    for (const file of ['firing', 'resolved']) {
      const res = await deliver(t, 'alertmanager', await signedFor(source, readFileSync(`test/fixtures/alertmanager/${file}.json`)));
      const answer = await jsonAnswer<SendAnswer>(res, 202);
      expect(answer.duplicate).to.equal(false);
      ids.push(...answer.messages.map((m) => m.id));
      // Resolved must follow firing on each phone: let the firing texts go out first.
      await waitForFinal(t, answer.messages.map((m) => m.id));
    }
    const rows = await waitForFinal(t, ids);
    expect(rows.map((r) => r.status)).to.deep.equal(['sent', 'sent', 'sent', 'sent']);
    const firing = readFileSync('templates/alertmanager/examples/firing.txt', 'utf8');
    const resolved = readFileSync('templates/alertmanager/examples/resolved.txt', 'utf8');
    for (const phone of onCall) {
      expect(sns.published.filter((p) => p.phoneNumber === phone).map((p) => p.message)).to.deep.equal([firing, resolved]);
    }
    expect(sns.published).to.have.length(4);
  });
});

describe('POST /webhooks/:template when a source secret variable is not set', () => {
  const missing = ['ALERTMANAGER_TOKEN', 'GRAFANA_WEBHOOK_SECRET', 'SHOPIFY_WEBHOOK_SECRET', 'STRIPE_WEBHOOK_SECRET'];
  let t: TestService;

  before(async () => {
    t = await startTestService({ without: missing });
  });
  after(async () => {
    await t.close();
  });

  for (const source of webhookSources.filter((s) => missing.includes(s.variable))) {
    it(`refuses every ${source.template} request with 401 (never fails open) when ${source.variable} is unset`, async () => {
      const signed = await signedFor(source, freshPayload(source));
      const attempts: SignedRequest[] = [
        signed,
        { ...signed, headers: withoutHeader(signed.headers, source.signatureHeader) },
        await signedFor(source, signed.body, { secret: testSecrets[source.scheme].next }),
      ];
      for (const attempt of attempts) {
        const res = await deliver(t, source.template, attempt);
        const body = await problem(res, 401, 'SNSGATE_SIGNATURE_INVALID');
        expect(body.detail).to.equal('the webhook signature could not be verified');
        expect(linesOf(t, res).find((l) => l.code === 'SNSGATE_SIGNATURE_INVALID' && l.level === 'warn')).to.include({
          reason: 'secret_not_configured',
        });
      }
      expect((await t.service.store.list({ template: source.template, limit: 10 })).messages).to.deep.equal([]);
      const startup = t.logs().find((l) => typeof l.message === 'string' && l.message.startsWith(`source ${source.source} refuses every request`));
      expect(startup?.message).to.include(`${source.variable} is not set`);
    });
  }

  it('still accepts the sources whose secret is set', async () => {
    const orders = webhookSources.find((s) => s.template === 'order-shipped')!;
    const res = await deliver(t, 'order-shipped', await signedFor(orders, freshPayload(orders)));
    await jsonAnswer<SendAnswer>(res, 202);
  });
});
