import { expect } from 'chai';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { FakeSns } from '../../helpers/fake-sns-server.js';
import { useServiceOnFakeSns, type TestService } from '../../helpers/test-service.js';
import {
  examplePayload,
  freshUsNumber,
  jsonAnswer,
  keys,
  namedKeysConfig,
  postJson,
  problem,
  publishOf,
  publishedTo,
  settled,
  smsTypeOf,
  tutorialKey,
  uniqueTag,
  waitForFinal,
  type SendAnswer,
} from './api-kit.js';

const media = 'https://cdn.example.com/p/42.jpg';

/** An `mms` payload to a number of its own. */
function mms(phoneNumber = freshUsNumber(), messageBody = 'Your parcel is at the front desk'): { phoneNumber: string; messageBody: string; mediaUrl: string } {
  return { phoneNumber, messageBody, mediaUrl: media };
}

/** An `order-shipped` payload (the UPS example) to another phone. */
function orderShipped(phone: string): Record<string, unknown> {
  const payload = examplePayload('order-shipped', 'ups-two-items') as { data: { customer: Record<string, unknown> } };
  payload.data.customer.phone = phone;
  return payload;
}

function sendAs(t: TestService, key: string, template: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return postJson(t, `/v1/send/${template}`, body, { 'x-api-key': key, ...headers });
}

describe('POST /v1/send/:template', () => {
  let sns: FakeSns;
  let t: TestService;

  useServiceOnFakeSns({ config: namedKeysConfig }, (running) => ({ sns, t } = running));
  afterEach(() => sns.clearFaults());

  it('answers 202 and queues by default, then the dispatcher publishes the rendered text', async () => {
    const payload = mms();
    const answer = await jsonAnswer<SendAnswer>(await sendAs(t, tutorialKey, 'mms', payload), 202);
    expect(answer).to.include({ status: 'accepted', template: 'mms', mode: 'queued', duplicate: false });
    expect(answer.messages).to.have.length(1);
    expect(answer.messages[0]).to.include({ recipient: `${payload.phoneNumber.slice(0, 5)}***${payload.phoneNumber.slice(-4)}` });
    expect(answer.messages[0]).to.not.have.property('snsMessageId');
    const [row] = await waitForFinal(t, answer.messages.map((m) => m.id));
    expect(row).to.include({ status: 'sent', delivery: 'queued', attempts: 1 });
    const published = publishOf(sns, row?.snsMessageId);
    expect(published).to.include({ phoneNumber: payload.phoneNumber, message: `${payload.messageBody}\n${media}` });
    expect(smsTypeOf(published)).to.equal('Transactional');
  });

  it('answers 200 with the SNS MessageId when ?mode=sync', async () => {
    const payload = mms();
    const answer = await jsonAnswer<SendAnswer>(await sendAs(t, tutorialKey, 'mms?mode=sync', payload), 200);
    expect(answer).to.include({ status: 'sent', mode: 'sync', duplicate: false });
    const [published] = publishedTo(sns, payload.phoneNumber);
    expect(answer.messages[0]).to.include({ status: 'sent', snsMessageId: published?.messageId });
  });

  it('answers 400 for a mode other than sync or queued, and accepts nothing', async () => {
    const payload = mms();
    const body = await problem(await sendAs(t, tutorialKey, 'mms?mode=later', payload), 400, 'SNSGATE_QUERY_INVALID');
    expect(body.detail).to.include('mode');
    expect((await t.service.store.list({ recipient: payload.phoneNumber, limit: 10 })).messages).to.deep.equal([]);
  });

  for (const mode of ['queued', 'sync'] as const) {
    it(`answers a repeated Idempotency-Key (${mode}) with the same message ids and Idempotent-Replayed, publishing nothing new`, async () => {
      const payload = mms();
      const headers = { 'Idempotency-Key': uniqueTag('order-') };
      const first = await sendAs(t, tutorialKey, `mms?mode=${mode}`, payload, headers);
      const firstAnswer = await jsonAnswer<SendAnswer>(first, mode === 'sync' ? 200 : 202);
      expect(first.headers.get('idempotent-replayed')).to.equal(null);
      await waitForFinal(t, firstAnswer.messages.map((m) => m.id));

      const again = await sendAs(t, tutorialKey, `mms?mode=${mode}`, payload, headers);
      const againAnswer = await jsonAnswer<SendAnswer>(again, mode === 'sync' ? 200 : 202);
      expect(again.headers.get('idempotent-replayed')).to.equal('true');
      expect(againAnswer.duplicate).to.equal(true);
      expect(againAnswer.messages.map((m) => m.id)).to.deep.equal(firstAnswer.messages.map((m) => m.id));
      await settled(t);
      expect(publishedTo(sns, payload.phoneNumber)).to.have.length(1);
    });
  }

  it('answers 409 when an Idempotency-Key comes back with another body, and sends nothing for it', async () => {
    const payload = mms();
    const headers = { 'Idempotency-Key': uniqueTag('order-') };
    const first = await jsonAnswer<SendAnswer>(await sendAs(t, tutorialKey, 'mms', payload, headers), 202);
    await waitForFinal(t, first.messages.map((m) => m.id));
    const other = { ...payload, messageBody: 'A different text' };
    await problem(await sendAs(t, tutorialKey, 'mms', other, headers), 409, 'SNSGATE_IDEMPOTENCY_CONFLICT');
    await settled(t);
    expect(publishedTo(sns, payload.phoneNumber).map((p) => p.message)).to.deep.equal([`${payload.messageBody}\n${media}`]);
  });

  it('refuses a Snsgate-To recipient override with 403 for a template that does not allow one (README), and sends nothing', async () => {
    const payload = mms();
    const override = freshUsNumber();
    const before = sns.requestCount('Publish');
    const body = await problem(await sendAs(t, tutorialKey, 'mms?mode=sync', payload, { 'Snsgate-To': override }), 403, 'SNSGATE_AUTH_FORBIDDEN');
    expect(body.detail).to.equal('template mms does not allow replacing its recipients (allowRecipientOverride: false)');
    for (const phone of [payload.phoneNumber, override]) {
      expect((await t.service.store.list({ recipient: phone, limit: 10 })).messages).to.deep.equal([]);
    }
    expect(sns.requestCount('Publish')).to.equal(before);
  });

  it('answers 404 for an unknown template, with or without a Snsgate-To header', async () => {
    await problem(await sendAs(t, tutorialKey, 'no-such-template', mms()), 404, 'SNSGATE_TEMPLATE_NOT_FOUND');
    await problem(await sendAs(t, tutorialKey, 'no-such-template', mms(), { 'Snsgate-To': freshUsNumber() }), 404, 'SNSGATE_TEMPLATE_NOT_FOUND');
  });

  it("answers 403 naming the key's scope, not the template's override rule, when a scoped key sends Snsgate-To to another template", async () => {
    const body = await problem(await sendAs(t, keys.ordersOnly, 'mms', mms(), { 'Snsgate-To': freshUsNumber() }), 403, 'SNSGATE_AUTH_FORBIDDEN');
    expect(body.detail).to.equal('API key orders-app may not send template mms');
  });

  for (const [how, headers] of [
    ['Authorization: Bearer', (key: string) => ({ Authorization: `Bearer ${key}` })],
    ['x-api-key', (key: string) => ({ 'x-api-key': key })],
  ] as const) {
    it(`accepts the API key as ${how}`, async () => {
      const res = await postJson(t, '/v1/send/mms', mms(), headers(tutorialKey));
      await jsonAnswer<SendAnswer>(res, 202);
    });
  }

  for (const [what, headers, detail] of [
    ['no API key', {}, 'send an API key as Authorization: Bearer <key> or x-api-key'],
    ['an unknown API key', { 'x-api-key': 'not-a-key-we-know' }, 'the API key is not valid'],
    ['a Basic credential instead of a key', { Authorization: `Basic ${Buffer.from(`u:${tutorialKey}`).toString('base64')}` }, 'send an API key as Authorization: Bearer <key> or x-api-key'],
  ] as const) {
    it(`answers 401 with WWW-Authenticate for ${what}`, async () => {
      const res = await postJson(t, '/v1/send/mms', mms(), headers);
      const body = await problem(res, 401, 'SNSGATE_AUTH_REQUIRED');
      expect(body.detail).to.equal(detail);
      expect(res.headers.get('www-authenticate')).to.equal('Bearer realm="snsgate"');
    });
  }

  it('lets a key scoped to one template send it and answers 403 for any other', async () => {
    await jsonAnswer<SendAnswer>(await sendAs(t, keys.ordersOnly, 'order-shipped', orderShipped(freshUsNumber())), 202);
    const payload = mms();
    const body = await problem(await sendAs(t, keys.ordersOnly, 'mms', payload), 403, 'SNSGATE_AUTH_FORBIDDEN');
    expect(body.detail).to.equal('API key orders-app may not send template mms');
    expect((await t.service.store.list({ recipient: payload.phoneNumber, limit: 10 })).messages).to.deep.equal([]);
  });

  it('answers 403 to a key without the send scope', async () => {
    const body = await problem(await sendAs(t, keys.reader, 'mms', mms()), 403, 'SNSGATE_AUTH_FORBIDDEN');
    expect(body.detail).to.equal('API key dashboard lacks the send scope');
  });

  it('names the key in the access log and never writes key material to any log line', async () => {
    // batch-job's own rate limit belongs to the next test; it is checked there.
    const all = [tutorialKey, keys.admin, keys.reader, keys.ordersOnly];
    for (const key of all) {
      await sendAs(t, key, 'order-shipped', orderShipped(freshUsNumber()));
      await postJson(t, '/v1/send/order-shipped', orderShipped(freshUsNumber()), { Authorization: `Bearer ${key}` });
    }
    await postJson(t, '/v1/send/mms', mms(), { 'x-api-key': `${keys.admin}-typo` });
    await settled(t);
    const lines = t.logs().map((l) => JSON.stringify(l));
    for (const key of all) expect(lines.filter((l) => l.includes(key)), 'log lines with key material').to.deep.equal([]);
    const names = new Set(t.logs().filter((l) => l.message === 'request').map((l) => l.keyName));
    expect([...names]).to.include.members(['API_KEY', 'ops-admin', 'dashboard', 'orders-app']);
  });

  it('answers 429 with Retry-After and RateLimit headers once a key used up its own limit, and other keys go on', async () => {
    // batch-job may send 2 requests a minute (api.keys[].rateLimit); only this test uses it to send.
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 3; i++) {
      last = await sendAs(t, keys.limited, 'mms', mms());
      statuses.push(last.status);
      if (i < 2) await last.body?.cancel();
    }
    expect(statuses).to.deep.equal([202, 202, 429]);
    const body = await problem(last!, 429, 'SNSGATE_RATE_LIMITED');
    expect(body).to.include({ limit: 'key' });
    expect(Number(last!.headers.get('retry-after'))).to.be.within(1, 60);
    expect(last!.headers.get('ratelimit-limit')).to.equal('2');
    expect(last!.headers.get('ratelimit-remaining')).to.equal('0');
    await jsonAnswer<SendAnswer>(await sendAs(t, tutorialKey, 'mms', mms()), 202);
    expect(t.logs().filter((l) => JSON.stringify(l).includes(keys.limited))).to.deep.equal([]);
  });

  it('answers 422 for a fixed-line number, which cannot receive SMS, and sends nothing', async () => {
    // Google's example fixed-line number for GB (libphonenumber metadata): 0121 234 5678.
    const landline = '+441212345678';
    expect(parsePhoneNumberFromString(landline)?.getType()).to.equal('FIXED_LINE');
    const before = sns.requestCount('Publish');
    const body = await problem(await sendAs(t, tutorialKey, 'mms?mode=sync', mms(landline)), 422, 'SNSGATE_RECIPIENT_INVALID');
    expect(body.detail).to.include('fixed-line');
    expect(body.detail).to.not.include(landline);
    expect(body.errors).to.deep.equal([{ pointer: '/recipients/0', rule: 'phone', message: body.detail }]);
    expect(sns.requestCount('Publish')).to.equal(before);
  });
});

describe('POST /v1/send/:template against the SMS-abuse limits', () => {
  let sns: FakeSns;
  let t: TestService;

  const limits = {
    perRecipient: { points: 2, durationSeconds: 3600 },
    allowedCountries: ['US'],
    dailyBudget: { perTemplate: { 'stripe-payment-succeeded': 1 } },
  };
  useServiceOnFakeSns({ config: { limits } }, (running) => ({ sns, t } = running));

  it('refuses a recipient over limits.perRecipient with 429 naming the limit, and publishes nothing more to it', async () => {
    const phone = freshUsNumber();
    for (let i = 0; i < 2; i++) {
      const answer = await jsonAnswer<SendAnswer>(await sendAs(t, tutorialKey, 'mms', mms(phone, `reminder ${i}`)), 202);
      await waitForFinal(t, answer.messages.map((m) => m.id));
    }
    const res = await sendAs(t, tutorialKey, 'mms', mms(phone, 'one text too many'));
    const body = await problem(res, 429, 'SNSGATE_RECIPIENT_LIMITED');
    expect(body).to.include({ limit: 'perRecipient' });
    expect(body.detail).to.include('limits.perRecipient');
    expect(body.detail).to.not.include(phone);
    expect(Number(res.headers.get('retry-after'))).to.be.within(1, 3600);
    await settled(t);
    expect(publishedTo(sns, phone).map((p) => p.message)).to.deep.equal([`reminder 0\n${media}`, `reminder 1\n${media}`]);
    expect((await t.service.store.list({ recipient: phone, limit: 10 })).messages).to.have.length(2);
  });

  it('answers 422 naming the country rule for a number outside limits.allowedCountries', async () => {
    const uk = '+447400123456';
    expect(parsePhoneNumberFromString(uk)?.country).to.equal('GB');
    const before = sns.requestCount('Publish');
    const body = await problem(await sendAs(t, tutorialKey, 'mms?mode=sync', mms(uk)), 422, 'SNSGATE_RECIPIENT_COUNTRY_BLOCKED');
    expect(body.detail).to.include('country GB is not in the allowed list (US)');
    expect(body.errors?.map((e) => [e.pointer, e.rule])).to.deep.equal([['/recipients/0', 'country']]);
    expect(sns.requestCount('Publish')).to.equal(before);
  });

  it('answers 429 naming the daily budget once a template used it up', async () => {
    const payload = examplePayload('stripe-payment-succeeded', 'usd-order');
    await jsonAnswer<SendAnswer>(await sendAs(t, tutorialKey, 'stripe-payment-succeeded', payload), 202);
    const res = await sendAs(t, tutorialKey, 'stripe-payment-succeeded', payload);
    const body = await problem(res, 429, 'SNSGATE_BUDGET_EXHAUSTED');
    expect(body).to.include({ limit: 'dailyBudget.perTemplate.stripe-payment-succeeded' });
    expect(Number(res.headers.get('retry-after'))).to.be.within(1, 86400);
    await jsonAnswer<SendAnswer>(await sendAs(t, tutorialKey, 'mms', mms()), 202);
  });
});

describe('POST /v1/send/:template?mode=sync when SNS fails', () => {
  let sns: FakeSns;
  let t: TestService;
  const maxAttempts = 2;

  useServiceOnFakeSns({ config: { publisher: { sns: { maxAttempts } } } }, (running) => ({ sns, t } = running));
  afterEach(() => sns.clearFaults());

  it('answers 502 SNSGATE_PUBLISH_REJECTED with the SNS error name when SNS refuses the message, and records it failed', async () => {
    sns.setFault({ kind: 'error', code: 'InvalidParameter', message: 'Invalid parameter: PhoneNumber Reason: unsupported destination' }, { times: 1 });
    const body = await problem(await sendAs(t, tutorialKey, 'mms?mode=sync', mms()), 502, 'SNSGATE_PUBLISH_REJECTED');
    expect(body).to.include({ snsError: 'InvalidParameterException' });
    const ids = body.messageIds as string[];
    expect(ids).to.have.length(1);
    const row = await t.service.store.get(ids[0] ?? '');
    expect(row).to.include({ status: 'failed', errorCode: 'InvalidParameterException', attempts: 1 });
  });

  it('answers 503 with Retry-After when SNS keeps throttling through the SDK retries', async () => {
    sns.setFault({ kind: 'error', code: 'Throttled' }, { times: 10 });
    const before = sns.requestCount('Publish');
    const res = await sendAs(t, tutorialKey, 'mms?mode=sync', mms());
    const body = await problem(res, 503, 'SNSGATE_PUBLISH_UNAVAILABLE');
    expect(body).to.include({ snsError: 'ThrottledException' });
    expect(Number(res.headers.get('retry-after'))).to.be.at.least(1);
    expect(sns.requestCount('Publish') - before).to.equal(maxAttempts);
    const row = await t.service.store.get((body.messageIds as string[])[0] ?? '');
    expect(row?.status).to.equal('failed');
  });
});
