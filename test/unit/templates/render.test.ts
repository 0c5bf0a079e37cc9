import { expect } from 'chai';
import { GatewayError } from '../../../src/errors.js';
import { loadTemplates } from '../../../src/templates/load-templates.js';
import type { TemplatePlugin } from '../../../src/templates/template-plugin.js';
import { writePlugins, type PluginFiles } from './write-plugins.js';

async function plugin(files: PluginFiles): Promise<TemplatePlugin> {
  const root = await writePlugins({ probe: files });
  const loaded = (await loadTemplates({ dirs: [root], overrides: {}, env: {}, knownSources: [] })).get('probe');
  if (loaded === undefined) throw new Error('not loaded');
  return loaded;
}

function renderError(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('did not throw');
}

const openSchema = { type: 'object' };

describe('TemplatePlugin.render()', () => {
  it('keeps O’Brien & <Co> "as typed": SMS is plain text, nothing is HTML-escaped', async () => {
    const p = await plugin({});
    expect(p.render({ name: `O'Brien & <Co> "x" \`y\` =z` }).messages[0]?.text).to.equal(`Hello O'Brien & <Co> "x" \`y\` =z`);
  });

  it('renders {{…}} found in payload values literally, never as a template', async () => {
    const p = await plugin({});
    const name = '{{constructor.constructor "return process"}} {{#each this}}x{{/each}}';
    expect(p.render({ name }).messages[0]?.text).to.equal(`Hello ${name}`);
  });

  it('is not fooled by __proto__ and constructor keys in a payload', async () => {
    const p = await plugin({ schema: openSchema, body: 'Hello {{name}}{{#if polluted}} polluted{{/if}}' });
    const payload: unknown = JSON.parse('{"name":"Ada","__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}');
    expect(p.render(payload).messages[0]?.text).to.equal('Hello Ada');
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('denies prototype properties to templates (Handlebars’ default stays on)', async () => {
    const p = await plugin({ body: 'Hello {{name}}[{{lookup name "constructor"}}][{{lookup this "toString"}}]' });
    expect(p.render({ name: 'Ada' }).messages[0]?.text).to.equal('Hello Ada[][]');
  });

  it('answers SNSGATE_RENDER_FAILED naming a field the schema did not require, without a stack', async () => {
    const p = await plugin({ schema: openSchema, body: 'Hello {{name}}\nOrder {{order.id}}' });
    const err = renderError(() => p.render({ name: 'Ada' }));
    expect(err.code).to.equal('SNSGATE_RENDER_FAILED');
    expect(err.message).to.equal('template probe: message.hbs line 2: missing field "order.id" (the schema does not require it)');
    expect(err.message).to.not.match(/\s+at /);
  });

  it('names a missing object read by a helper', async () => {
    const p = await plugin({ schema: openSchema, body: '{{default customer.phone "none"}}' });
    expect(renderError(() => p.render({})).message).to.equal('template probe: message.hbs: missing object before field "phone" (the schema does not require it)');
  });

  it('refuses a helper called without a value, pointing to the field of the same name', async () => {
    const p = await plugin({ schema: openSchema, body: 'Call {{phone}}' });
    expect(renderError(() => p.render({ phone: '+12065550100' })).message).to.equal(
      'template probe: message.hbs: helper phone: needs a value; to show the field "phone" write {{this.phone}}',
    );
  });

  it('reports a helper’s refusal as SNSGATE_RENDER_FAILED', async () => {
    const p = await plugin({ schema: openSchema, body: '{{money amount "USD"}}' });
    const err = renderError(() => p.render({ amount: 'lots' }));
    expect(err.code).to.equal('SNSGATE_RENDER_FAILED');
    expect(err.message).to.equal('template probe: message.hbs: helper money: the amount must be a number or a numeric string, got a string');
  });

  it('refuses an empty message', async () => {
    const p = await plugin({ schema: openSchema, body: '{{#if name}}{{name}}{{/if}}\n' });
    expect(renderError(() => p.render({})).message).to.equal('template probe: the message is empty for this payload');
  });

  describe('encoding', () => {
    it('lets a curly apostrophe switch the whole message to UCS-2 with encoding: auto, and says so', async () => {
      const p = await plugin({});
      const result = p.render({ name: 'O’Brien' });
      expect(result.messages[0]?.sms).to.deep.include({ encoding: 'UCS-2', ucs2Characters: ['’'] });
      expect(result.warnings).to.include('UCS-2 forced by ’ (U+2019): 70 characters per SMS instead of 160');
    });

    it('replaces it with encoding: gsm7, and says so', async () => {
      const p = await plugin({ manifest: 'description: x\nto: ["+12065550100"]\nencoding: gsm7\n' });
      const result = p.render({ name: 'O’Brien' });
      expect(result.messages[0]?.text).to.equal("Hello O'Brien");
      expect(result.messages[0]?.sms.encoding).to.equal('GSM-7');
      expect(result.warnings).to.deep.equal(['encoding gsm7 replaced ’ (U+2019)']);
    });
  });

  describe('media URL', () => {
    const manifest = 'description: x\nto: ["+12065550100"]\nmediaUrl: "{{url}}"\nmaxSegments: 1\n';
    const schema = { type: 'object', properties: { name: { type: 'string', maxLength: 2000 }, url: { type: 'string', maxLength: 2000 } } };

    it('appends \\n and the URL, counted in the segments', async () => {
      const p = await plugin({ manifest, schema });
      const message = p.render({ name: 'Ada', url: 'https://x.co/p.png' }).messages[0];
      expect(message).to.deep.include({ text: 'Hello Ada\nhttps://x.co/p.png', mediaUrl: 'https://x.co/p.png', truncated: false });
      expect(message?.sms).to.include({ units: 28, segments: 1 });
    });

    it('leaves it out when the expression gives nothing', async () => {
      const p = await plugin({ manifest: manifest.replace('"{{url}}"', `'{{default url ""}}'`), schema });
      expect(p.render({ name: 'Ada' }).messages[0]).to.not.have.property('mediaUrl');
    });

    it('rejects a message over maxSegments with overflow: reject, naming segments and limit', async () => {
      const p = await plugin({ manifest, schema });
      const err = renderError(() => p.render({ name: 'a'.repeat(200), url: 'https://x.co/p.png' }));
      expect(err.code).to.equal('SNSGATE_MESSAGE_TOO_LONG');
      expect(err.message).to.equal('template probe: the message is too long: 2 segments (GSM-7) exceed the limit of 1 (overflow: reject)');
      expect(err.extra).to.deep.include({ segments: 2, maxSegments: 1 });
    });

    it('cuts the body and keeps the URL with overflow: truncate', async () => {
      const p = await plugin({ manifest: `${manifest}overflow: truncate\n`, schema });
      const result = p.render({ name: 'a'.repeat(200), url: 'https://x.co/p.png' });
      expect(result.messages[0]?.text).to.equal(`Hello ${'a'.repeat(132)}...\nhttps://x.co/p.png`);
      expect(result.messages[0]?.truncated).to.equal(true);
      expect(result.warnings).to.include('text truncated to fit maxSegments 1');
      expect(result.warnings).to.include('media URL uses 19 of the 160 GSM-7 units that maxSegments 1 allows (12%)');
    });
  });

  describe('recipients', () => {
    const schema = { type: 'object' };

    it('renders one message per recipient: literals, expressions and comma-separated lists, deduplicated', async () => {
      const manifest = `description: x\nto: ["+12065550100", "{{this.phone}}", '{{join team ","}}', '{{default backup ""}}']\n`;
      const p = await plugin({ manifest, schema });
      const result = p.render({ name: 'Ada', phone: '+447400123456', team: ['+12065550100', ' +33612345678 '] });
      expect(result.messages.map((m) => m.target)).to.deep.equal([
        { kind: 'phone', phoneNumber: '+12065550100' },
        { kind: 'phone', phoneNumber: '+447400123456' },
        { kind: 'phone', phoneNumber: '+33612345678' },
      ]);
    });

    it('sends to a topic ARN, with FIFO group and deduplication ids', async () => {
      const manifest = [
        'description: x',
        'to: ["arn:aws:sns:us-east-1:123456789012:orders.fifo", "arn:aws:sns:us-east-1:123456789012:audit"]',
        'idempotencyKey: "{{id}}"',
        'topic:',
        '  messageGroupId: "{{customer}}"',
        '',
      ].join('\n');
      const p = await plugin({ manifest, schema });
      expect(p.render({ name: 'Ada', id: 'evt_1', customer: 'cus_9' }).messages.map((m) => m.target)).to.deep.equal([
        { kind: 'topic', topicArn: 'arn:aws:sns:us-east-1:123456789012:orders.fifo', messageGroupId: 'cus_9', messageDeduplicationId: 'evt_1' },
        { kind: 'topic', topicArn: 'arn:aws:sns:us-east-1:123456789012:audit' },
      ]);
    });

    it('does not check phone numbers: the guard stage does', async () => {
      const p = await plugin({ manifest: 'description: x\nto: ["{{mobile}}"]\n', schema });
      expect(p.render({ name: 'Ada', mobile: 'not a number' }).messages[0]?.target).to.deep.equal({ kind: 'phone', phoneNumber: 'not a number' });
    });

    it('answers SNSGATE_RECIPIENT_INVALID when the payload gives no recipient', async () => {
      const p = await plugin({ manifest: 'description: x\nto: ["{{default phone \\"\\"}}"]\n', schema });
      const err = renderError(() => p.render({ name: 'Ada' }));
      expect(err.code).to.equal('SNSGATE_RECIPIENT_INVALID');
      expect(err.message).to.equal('template probe: no recipient: its "to" expressions gave none for this payload');
    });

    it('answers SNSGATE_TEMPLATE_UNCONFIGURED when neither manifest nor config give recipients', async () => {
      const p = await plugin({ manifest: 'description: x\n', schema });
      expect(renderError(() => p.render({ name: 'Ada' })).code).to.equal('SNSGATE_TEMPLATE_UNCONFIGURED');
    });

    it('takes options.recipients as phone numbers when the template allows it, and refuses them otherwise', async () => {
      const allowed = await plugin({ manifest: 'description: x\nallowRecipientOverride: true\n', schema });
      expect(allowed.render({ name: 'Ada' }, { recipients: ['+12065550100,+447400123456', '{{name}}'] }).messages.map((m) => m.target)).to.deep.equal([
        { kind: 'phone', phoneNumber: '+12065550100' },
        { kind: 'phone', phoneNumber: '+447400123456' },
        { kind: 'phone', phoneNumber: '{{name}}' },
      ]);
      const locked = await plugin({ schema });
      expect(renderError(() => locked.render({ name: 'Ada' }, { recipients: ['+12065550100'] })).code).to.equal('SNSGATE_AUTH_FORBIDDEN');
    });

    it('gives every message the same text, accounting and SMS attributes with defaults', async () => {
      const p = await plugin({ manifest: 'description: x\nto: ["+12065550100", "+447400123456"]\nsms:\n  senderId: Acme\n', schema });
      const [a, b] = p.render({ name: 'Ada' }).messages;
      expect(a?.text).to.equal(b?.text);
      expect(a?.attributes).to.deep.equal({ smsType: 'Transactional', senderId: 'Acme' });
    });
  });

  describe('idempotencyKey()', () => {
    it('evaluates the manifest expression, and is undefined when it is empty or absent', async () => {
      const keyed = await plugin({ manifest: 'description: x\nto: ["+12065550100"]\nidempotencyKey: "order-{{default id \\"\\"}}"\n', schema: openSchema });
      expect(keyed.idempotencyKey({ id: 42 })).to.equal('order-42');
      const blank = await plugin({ manifest: 'description: x\nto: ["+12065550100"]\nidempotencyKey: "{{default id \\"\\"}}"\n', schema: openSchema });
      expect(blank.idempotencyKey({})).to.equal(undefined);
      expect((await plugin({})).idempotencyKey({ name: 'Ada' })).to.equal(undefined);
    });
  });
});
