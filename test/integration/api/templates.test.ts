import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import sinon from 'sinon';
import type { FakeSns } from '../../helpers/fake-sns-server.js';
import { startTestService, useServiceOnFakeSns, testEnv, type TestService } from '../../helpers/test-service.js';
import { examplePayload, examplesOf, jsonAnswer, keys, namedKeysConfig, postJson, problem, tutorialKey } from './api-kit.js';

const builtIns = ['alertmanager', 'grafana', 'mms', 'order-shipped', 'shopify-order-created', 'stripe-payment-succeeded'];
const read = { 'x-api-key': keys.reader };

interface TemplateSummary {
  readonly id: string;
  readonly source: string | null;
  readonly webhook: string | null;
  readonly recipients: number;
}

interface TemplateDetail extends TemplateSummary {
  readonly manifest: { to: string[]; source?: string; sms: Record<string, unknown> };
  readonly schema: { type: string; properties: Record<string, unknown> };
  readonly examples: { name: string; valid: boolean; payload: unknown; expectedText?: string }[];
}

interface PreviewMessage {
  readonly recipient: string;
  readonly target: { kind: string; phoneNumber?: string };
  readonly text: string;
  readonly mediaUrl?: string;
  readonly encoding: string;
  readonly characters: number;
  readonly segments: number;
  readonly ucs2Characters: string[];
  readonly attributes: Record<string, string>;
  readonly truncated: boolean;
}

interface Preview {
  readonly template: string;
  readonly sent: boolean;
  readonly messages: PreviewMessage[];
  readonly warnings: string[];
}

describe('GET /v1/templates', () => {
  let t: TestService;

  before(async () => {
    t = await startTestService({ config: namedKeysConfig });
  });
  after(async () => {
    await t.close();
  });

  it('lists the six built-in templates with their webhook route (or none for API-only ones)', async () => {
    const { templates } = await jsonAnswer<{ templates: TemplateSummary[] }>(await t.fetch('/v1/templates', { headers: read }), 200);
    expect(templates.map((x) => x.id).sort()).to.deep.equal(builtIns);
    expect(templates.find((x) => x.id === 'mms')).to.include({ source: null, webhook: null, recipients: 1 });
    expect(templates.find((x) => x.id === 'order-shipped')).to.include({ source: 'orders', webhook: '/webhooks/order-shipped' });
  });

  it('answers 401 without an API key', async () => {
    await problem(await t.fetch('/v1/templates'), 401, 'SNSGATE_AUTH_REQUIRED');
  });
});

describe('GET /v1/templates/:template', () => {
  let t: TestService;

  before(async () => {
    t = await startTestService({ config: namedKeysConfig });
  });
  after(async () => {
    await t.close();
  });

  for (const id of builtIns) {
    it(`shows ${id}'s manifest, JSON Schema and every shipped example with its golden text`, async () => {
      const detail = await jsonAnswer<TemplateDetail>(await t.fetch(`/v1/templates/${id}`, { headers: read }), 200);
      expect(detail.id).to.equal(id);
      expect(detail.manifest.sms).to.include({ smsType: 'Transactional' });
      expect(detail.schema).to.deep.equal(JSON.parse(readFileSync(`templates/${id}/schema.json`, 'utf8')));
      const shipped = [...examplesOf(id, 'valid'), ...examplesOf(id, 'invalid')];
      expect(detail.examples.map((e) => e.name).sort()).to.deep.equal(shipped.map((e) => e.name).sort());
      for (const example of shipped) {
        const shown = detail.examples.find((e) => e.name === example.name);
        expect(shown?.valid).to.equal(!example.name.startsWith('invalid-'));
        expect(shown?.payload).to.deep.equal(JSON.parse(example.raw.toString('utf8')));
        expect(shown?.expectedText).to.equal(example.golden);
      }
    });
  }

  it('masks the on-call numbers it got from ALERT_SMS_TO', async () => {
    const res = await t.fetch('/v1/templates/alertmanager', { headers: read });
    const text = await res.text();
    const numbers = (testEnv.ALERT_SMS_TO ?? '').split(',');
    expect(numbers).to.have.length(2);
    for (const n of numbers) expect(text).to.not.include(n);
    const detail = JSON.parse(text) as TemplateDetail;
    expect(detail.manifest.to).to.deep.equal(numbers.map((n) => `${n.slice(0, 5)}***${n.slice(-4)}`));
    expect(detail.recipients).to.equal(2);
  });

  it('answers 404 for an unknown template', async () => {
    await problem(await t.fetch('/v1/templates/no-such-template', { headers: read }), 404, 'SNSGATE_TEMPLATE_NOT_FOUND');
  });
});

describe('POST /v1/templates/:template/preview', () => {
  let sns: FakeSns;
  let t: TestService;

  useServiceOnFakeSns({ config: namedKeysConfig }, (running) => ({ sns, t } = running));

  function preview(template: string, body: unknown, headers: Record<string, string> = read): Promise<Response> {
    return postJson(t, `/v1/templates/${template}/preview`, body, headers);
  }

  it('returns the text, encoding, segments, recipients, attributes and warnings, and sends nothing', async () => {
    const send = sinon.spy(t.service.delivery, 'send');
    const sendBatch = sinon.spy(t.service.delivery, 'sendBatch');
    const example = examplesOf('order-shipped', 'valid').find((e) => e.name === 'ups-two-items')!;
    const answer = await jsonAnswer<Preview>(await preview('order-shipped', example.raw), 200);
    expect(answer).to.include({ template: 'order-shipped', sent: false });
    expect(answer.warnings).to.be.an('array');
    expect(answer.messages).to.have.length(1);
    const [message] = answer.messages;
    expect(message).to.deep.include({
      recipient: '+12065550177',
      target: { kind: 'phone', phoneNumber: '+12065550177' },
      text: example.golden,
      mediaUrl: 'https://cdn.example.com/products/trail-runner-gtx.jpg',
      encoding: 'GSM-7',
      segments: 2,
      ucs2Characters: [],
      attributes: { smsType: 'Transactional' },
      truncated: false,
    });
    expect(message?.characters).to.equal(example.golden?.length);

    // Whatever a preview might have queued would go out now.
    await t.service.dispatcher.drain();
    expect(send.callCount + sendBatch.callCount).to.equal(0);
    expect(sns.requestCount()).to.equal(0);
    expect((await t.service.store.list({ limit: 10 })).messages).to.deep.equal([]);
  });

  it('shows the characters that force UCS-2, with their code points, for a curly quote in an mms text', async () => {
    const payload = { phoneNumber: '+12065551234', messageBody: 'It’s ready: your photo book', mediaUrl: 'https://cdn.example.com/book.jpg' };
    const answer = await jsonAnswer<Preview>(await preview('mms', payload, { 'x-api-key': tutorialKey }), 200);
    expect(answer.messages[0]).to.deep.include({ encoding: 'UCS-2', ucs2Characters: ['’'], segments: 1, text: `${payload.messageBody}\n${payload.mediaUrl}` });
    expect(answer.warnings.find((w) => w.includes('UCS-2'))).to.include('’').and.include('U+2019');
  });

  it('shows one message per on-call number for an alert template', async () => {
    const answer = await jsonAnswer<Preview>(await preview('alertmanager', examplePayload('alertmanager', 'firing')), 200);
    expect(answer.messages.map((m) => m.recipient)).to.deep.equal((testEnv.ALERT_SMS_TO ?? '').split(','));
    expect(answer.messages.map((m) => m.text)).to.deep.equal(answer.messages.map(() => readFileSync('templates/alertmanager/examples/firing.txt', 'utf8')));
  });

  it('answers 422 listing every failing field of an invalid payload', async () => {
    const payload = { phoneNumber: '(206) 555-1234', messageBody: 42, mediaUrl: 'ftp://files.example.com/a.png' };
    const body = await problem(await preview('mms', payload), 422, 'SNSGATE_PAYLOAD_INVALID');
    expect(body.errors?.map((e) => [e.pointer, e.rule])).to.have.deep.members([
      ['/phoneNumber', 'pattern'],
      ['/messageBody', 'type'],
      ['/mediaUrl', 'pattern'],
    ]);
  });

  it('answers 401 without an API key and 404 for an unknown template', async () => {
    await problem(await preview('mms', {}, {}), 401, 'SNSGATE_AUTH_REQUIRED');
    await problem(await preview('no-such-template', {}), 404, 'SNSGATE_TEMPLATE_NOT_FOUND');
  });
});
