import { expect } from 'chai';
import { loadConfigFile } from '../../../src/config/load-config.js';
import { createMemoryLogger } from '../../../src/observability/logger.js';
import { createSourceVerifiers } from '../../../src/verify/create-source-verifiers.js';
import { signWebhookRequest } from '../../../src/verify/sign-webhook-request.js';
import { testSecrets, webhookRequest } from '../../helpers/sign-webhook.js';

const now = new Date('2026-03-01T12:00:00Z');
const body = Buffer.from('{"orderId":"A-1001","tracking":"1Z999"}');

describe('signWebhookRequest()', () => {
  it('signs for every shipped source so that the source verifier accepts the request', () => {
    const sources = loadConfigFile('config/snsgate.yaml', {}).sources;
    const secretOf = { bearer: testSecrets.bearer, grafana: testSecrets.grafana, shopify: testSecrets.shopify, stripe: testSecrets.stripe, 'standard-webhooks': testSecrets['standard-webhooks'] } as const;
    const env = { ALERTMANAGER_TOKEN: secretOf.bearer.current, GRAFANA_WEBHOOK_SECRET: secretOf.grafana.current, SHOPIFY_WEBHOOK_SECRET: secretOf.shopify.current, STRIPE_WEBHOOK_SECRET: secretOf.stripe.current, STANDARD_WEBHOOK_SECRET: secretOf['standard-webhooks'].current };
    const verifiers = createSourceVerifiers(sources, env, createMemoryLogger().logger);
    for (const [name, source] of Object.entries(sources)) {
      const secret = secretOf[source.scheme as keyof typeof secretOf].current;
      const headers = signWebhookRequest({ source, secret, body, now, id: 'msg_cli' });
      const result = verifiers.get(name)?.verify(webhookRequest(headers, body, now));
      expect(result?.ok, `${name}: ${JSON.stringify(result)}`).to.equal(true);
    }
  });

  it('uses the given id, or a fresh random one', () => {
    const source = { scheme: 'standard-webhooks' as const, options: {} };
    const secret = testSecrets['standard-webhooks'].current;
    expect(signWebhookRequest({ source, secret, body, now, id: 'msg_1' })['webhook-id']).to.equal('msg_1');
    const a = signWebhookRequest({ source, secret, body, now })['webhook-id'];
    const b = signWebhookRequest({ source, secret, body, now })['webhook-id'];
    expect(a).to.match(/^[0-9a-f-]{36}$/);
    expect(a).to.not.equal(b);
  });

  it('throws on invalid options or a secret the scheme cannot use', () => {
    expect(() => signWebhookRequest({ source: { scheme: 'hmac', options: {} }, secret: 's', body, now })).to.throw('option header is required');
    expect(() => signWebhookRequest({ source: { scheme: 'basic', options: {} }, secret: 'nocolon', body, now })).to.throw('user:password');
    expect(() =>
      signWebhookRequest({ source: { scheme: 'hmac', options: { header: 'X-S', secretEncoding: 'hex' } }, secret: 'xyz', body, now }),
    ).to.throw('not valid hex');
  });
});
