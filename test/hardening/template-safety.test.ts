import { expect } from 'chai';
import { startTestService, testEnv, type TestService } from '../helpers/test-service.js';
import { closeAgent, expectPrototypesUnchanged, jsonOf, looseLimits, printFigures, prototypeSnapshot, send, Tally, type RawResponse } from './hardening-kit.js';
import { setAt, type JsonPath } from './payload-mutations.js';
import { signCase, webhookCases } from './webhook-cases.js';

const apiKey = testEnv.API_KEY ?? '';
const mms = { phoneNumber: '+12065550123', messageBody: 'Hello', mediaUrl: 'https://example.com/p.png' };

/** For each template, a payload and the fields its SMS text shows. */
const shown: readonly { template: string; payload: () => Record<string, unknown>; fields: readonly JsonPath[] }[] = [
  { template: 'mms', payload: () => ({ ...mms }), fields: [['messageBody']] },
  ...webhookCases.map((c) => ({
    template: c.template,
    payload: () => c.payload('safety'),
    fields: {
      'order-shipped': [['data', 'customer', 'name'], ['data', 'carrier']],
      'stripe-payment-succeeded': [['data', 'object', 'metadata', 'order_id'], ['data', 'object', 'receipt_email']],
      'shopify-order-created': [['customer', 'first_name'], ['name']],
      grafana: [['title'], ['commonAnnotations', 'summary']],
      alertmanager: [['commonAnnotations', 'summary'], ['commonLabels', 'alertname']],
    }[c.template] as readonly JsonPath[],
  })),
];

/** Values that look like template code; each must come out as the same characters. */
const templateLookalikes = [
  '{{this}}',
  '{{{this}}}',
  '{{#each this}}{{@key}}={{this}};{{/each}}',
  '{{> partial}}',
  '{{constructor.constructor "return process"}}',
  '{{lookup this "__proto__"}}',
  '{{#with (lookup this "constructor")}}{{name}}{{/with}}',
  '}}{{',
  '\\{{escaped}}',
  '{{!-- comment --}}',
  '{{phone "+12065550100" "e164"}}',
];

describe('hardening: template safety', function () {
  this.timeout(60_000);
  let t: TestService;
  let prototypes: string;
  const checked = new Tally();

  before(async () => {
    prototypes = prototypeSnapshot();
    t = await startTestService({ config: { limits: looseLimits, publisher: { rateLimit: { messagesPerSecond: 0 } } } });
  });
  after(async () => {
    closeAgent();
    await t.close();
    printFigures('template safety', { 'cases checked': checked.total(), 'by kind': checked });
  });
  afterEach(() => expectPrototypesUnchanged(prototypes));

  function preview(template: string, payload: unknown): Promise<RawResponse> {
    return send(t.url, {
      method: 'POST',
      path: `/v1/templates/${template}/preview`,
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: Buffer.from(JSON.stringify(payload)),
    });
  }

  function previewText(res: RawResponse): { texts: string[]; recipients: string[]; body: Record<string, unknown> } {
    expect(res.status, res.body.toString().slice(0, 400)).to.equal(200);
    const body = jsonOf(res);
    const messages = body.messages as { text: string; recipient: string; segments: number; truncated: boolean }[];
    return { texts: messages.map((m) => m.text), recipients: messages.map((m) => m.recipient), body };
  }

  for (const s of shown) {
    it(`${s.template}: payload values that look like Handlebars are rendered as their own characters, never run`, async () => {
      for (const field of s.fields) {
        for (const value of templateLookalikes) {
          const res = await preview(s.template, setAt(s.payload(), field, value));
          checked.add('handlebars lookalike');
          const { texts } = previewText(res);
          for (const text of texts) expect(text, `${field.join('.')} = ${value}`).to.include(value);
        }
      }
    });
  }

  it('a send renders the lookalike literally into the message log, as sent', async () => {
    const value = '{{#each this}}{{@key}}{{/each}} {{{constructor}}}';
    const res = await send(t.url, {
      method: 'POST',
      path: '/v1/send/mms?mode=sync',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: Buffer.from(JSON.stringify({ ...mms, messageBody: value })),
    });
    expect(res.status).to.equal(200);
    const id = (jsonOf(res).messages as { id: string }[])[0]?.id ?? '';
    const row = await t.service.store.get(id);
    expect(row?.body).to.equal(`${value}\n${mms.mediaUrl}`);
    checked.add('send, literal in log');
  });

  it('prototype-pollution keys anywhere in a payload are refused (400) and change no prototype', async () => {
    const bodies = [
      '{"__proto__":{"polluted":true}}',
      `{"phoneNumber":"+12065550123","mediaUrl":"https://e.com/a.png","messageBody":{"__proto__":{"polluted":true}}}`,
      '{"constructor":{"prototype":{"polluted":true}}}',
      '{"data":{"customer":{"constructor":{"prototype":{"isAdmin":true}}}}}',
      '{"alerts":[{"__proto__":{"polluted":true}}]}',
      '{"\\u005f_proto__":{"polluted":true}}',
    ];
    for (const template of ['mms', 'order-shipped', 'alertmanager']) {
      for (const body of bodies) {
        const res = await send(t.url, {
          method: 'POST',
          path: `/v1/templates/${template}/preview`,
          headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
          body: Buffer.from(body),
        });
        checked.add('prototype key refused');
        expect(res.status, body).to.equal(400);
        expect(jsonOf(res).code).to.equal('SNSGATE_BODY_MALFORMED');
        expectPrototypesUnchanged(prototypes);
      }
    }
  });

  it('keys named like Object.prototype members are plain data: allowed where the schema allows, and inert', async () => {
    const c = webhookCases.find((x) => x.template === 'alertmanager')!;
    const payload = c.payload('protokeys');
    for (const key of ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'prototype']) {
      payload.commonLabels = { ...(payload.commonLabels as object), [key]: `{{${key}}}` };
    }
    const { texts } = previewText(await preview('alertmanager', payload));
    checked.add('prototype-named keys');
    expect(texts[0]).to.include('summary protokeys');
    expect(texts.join('\n')).to.not.match(/function|\[native code\]|\[object Object\]/);
  });

  it('a value in a recipient expression stays one recipient: commas in a payload phone never fan out (SMS pumping)', async () => {
    const list = '+12065550100,+12065550101,+447400123456';
    const cases: { template: string; field: JsonPath }[] = [
      { template: 'shopify-order-created', field: ['phone'] },
      { template: 'shopify-order-created', field: ['shipping_address', 'phone'] },
      { template: 'stripe-payment-succeeded', field: ['data', 'object', 'metadata', 'phone'] },
      { template: 'stripe-payment-succeeded', field: ['data', 'object', 'shipping', 'phone'] },
    ];
    for (const { template, field } of cases) {
      const c = webhookCases.find((x) => x.template === template)!;
      let payload: unknown = c.payload('fanout');
      // Clear the other phone fields so this one is the recipient.
      if (template === 'shopify-order-created') for (const f of [['phone'], ['customer', 'phone']]) payload = setAt(payload, f, null);
      if (template === 'stripe-payment-succeeded') payload = setAt(payload, ['data', 'object', 'metadata', 'phone'], '');
      payload = setAt(payload, field, list);
      const res = await preview(template, payload);
      checked.add('comma list in a recipient field');
      if (res.status === 200) expect(previewText(res).recipients, `${template} ${field.join('.')}`).to.have.length.at.most(1);
      else expect(res.status, res.body.toString()).to.equal(422);
      // End to end: a signed webhook with such a phone accepts at most one message.
      const body = JSON.stringify(payload);
      const hook = await send(t.url, {
        method: 'POST',
        path: `/webhooks/${template}`,
        headers: { 'content-type': 'application/json', ...(await signCase(c, body, { id: `fanout-${template}-${field.join('-')}` })) },
        body: Buffer.from(body),
      });
      if (hook.status === 202) expect(jsonOf(hook).messages).to.have.length(1);
      else expect(hook.status, hook.body.toString()).to.equal(422);
    }
  });

  it('the template\'s own list still splits: Snsgate-To and configured lists are unaffected', async () => {
    const c = webhookCases.find((x) => x.template === 'alertmanager')!;
    const { recipients } = previewText(await preview('alertmanager', c.payload('list')));
    expect(recipients).to.deep.equal([testEnv.ALERT_SMS_TO?.split(',')[0], testEnv.ALERT_SMS_TO?.split(',')[1]]);
    checked.add('configured list');
  });

  it('values cannot reach other fields: CR/LF and attribute-like text stay inside the text; SMS attributes come from the manifest', async () => {
    const value = 'Bob\r\nAWS.SNS.SMS.SenderID: EVIL\nTrack it: https://evil.example/x';
    const c = webhookCases.find((x) => x.template === 'order-shipped')!;
    const { body } = previewText(await preview('order-shipped', setAt(c.payload('crlf'), ['data', 'customer', 'name'], value)));
    const message = (body.messages as Record<string, unknown>[])[0]!;
    expect(message.text).to.include('Bob\r\nAWS.SNS.SMS.SenderID: EVIL');
    expect(message.attributes).to.deep.equal({ smsType: 'Transactional' });
    const phone = (c.payload('crlf').data as { customer: { phone: string } }).customer.phone;
    expect(message.recipient).to.equal(phone);
    checked.add('field containment');
  });

  it('maxSegments: reject templates answer 422 for a long value; truncate templates stay within the budget', async () => {
    // mms: reject, 6 segments. 1600 characters of UCS-2 is far over.
    const res = await send(t.url, {
      method: 'POST',
      path: '/v1/send/mms',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: Buffer.from(JSON.stringify({ ...mms, messageBody: '📸'.repeat(800) })),
    });
    expect(res.status).to.equal(422);
    expect(jsonOf(res)).to.include({ code: 'SNSGATE_MESSAGE_TOO_LONG', maxSegments: 6 });
    checked.add('reject over maxSegments');
    // order-shipped: reject, 4 segments, through a signed webhook; nothing is accepted.
    const c = webhookCases.find((x) => x.template === 'order-shipped')!;
    let long: unknown = c.payload('long');
    long = setAt(long, ['data', 'customer', 'name'], 'N'.repeat(100));
    long = setAt(long, ['data', 'carrier'], 'C'.repeat(64));
    long = setAt(long, ['data', 'trackingUrl'], `https://track.example/${'t'.repeat(480)}`);
    long = setAt(long, ['data', 'productImageUrl'], `https://img.example/${'i'.repeat(480)}.jpg`);
    const body = JSON.stringify(long);
    const hook = await send(t.url, {
      method: 'POST',
      path: '/webhooks/order-shipped',
      headers: { 'content-type': 'application/json', ...(await signCase(c, body, { id: 'long-1' })) },
      body: Buffer.from(body),
    });
    expect(hook.status, hook.body.toString()).to.equal(422);
    expect(jsonOf(hook).code).to.equal('SNSGATE_MESSAGE_TOO_LONG');
    checked.add('reject over maxSegments');
    // grafana and alertmanager: truncate, 3 segments.
    for (const template of ['grafana', 'alertmanager']) {
      const a = webhookCases.find((x) => x.template === template)!;
      let p: unknown = a.payload('trunc');
      // No common summary: one line per alert, each cut to 80 characters by the template, 60 alerts.
      p = setAt(p, ['commonAnnotations', 'summary'], '');
      const alert = ((p as { alerts: Record<string, unknown>[] }).alerts)[0]!;
      const alerts = Array.from({ length: 60 }, (_, i) => setAt(setAt(alert, ['annotations', 'summary'], `🔥 ${i} ${'é'.repeat(90)}`), ['fingerprint'], i.toString(16)));
      p = setAt(p, ['alerts'], alerts);
      const { body: out } = previewText(await preview(template, p));
      for (const m of out.messages as { segments: number; truncated: boolean; text: string }[]) {
        expect(m.segments, template).to.be.at.most(3);
        expect(m.truncated, template).to.equal(true);
      }
      checked.add('truncate within budget');
    }
  });
});
