import { expect } from 'chai';
import type { Config, SourceConfig } from '../../../src/config/config.js';
import { loadConfigFile } from '../../../src/config/load-config.js';
import { GatewayError } from '../../../src/errors.js';
import { createMemoryLogger } from '../../../src/observability/logger.js';
import { createSourceVerifiers } from '../../../src/verify/create-source-verifiers.js';
import { signWebhook, testSecrets, webhookRequest } from '../../helpers/sign-webhook.js';

const now = new Date('2026-03-01T12:00:00Z');
const body = Buffer.from('{"id":"evt_1","object":"event"}');

const source = (over: Partial<SourceConfig> & Pick<SourceConfig, 'scheme' | 'secrets'>): SourceConfig => ({
  toleranceSeconds: 300,
  options: {},
  ...over,
});

const shippedEnv = {
  ALERTMANAGER_TOKEN: testSecrets.bearer.current,
  GRAFANA_WEBHOOK_SECRET: testSecrets.grafana.current,
  SHOPIFY_WEBHOOK_SECRET: testSecrets.shopify.current,
  STRIPE_WEBHOOK_SECRET: testSecrets.stripe.current,
  STANDARD_WEBHOOK_SECRET: testSecrets['standard-webhooks'].current,
};

describe('createSourceVerifiers()', () => {
  describe('with the shipped config/snsgate.yaml', () => {
    const shipped = (): Config['sources'] => loadConfigFile('config/snsgate.yaml', {}).sources;

    it('builds one configured verifier per source when every secret is set, logging no warning', async () => {
      const { logger, lines } = createMemoryLogger();
      const verifiers = createSourceVerifiers(shipped(), shippedEnv, logger);
      expect([...verifiers.values()].map((v) => [v.name, v.scheme, v.configured])).to.deep.equal([
        ['alertmanager', 'bearer', true],
        ['grafana', 'grafana', true],
        ['shopify', 'shopify', true],
        ['stripe', 'stripe', true],
        ['orders', 'standard-webhooks', true],
      ]);
      expect(lines().filter((l) => l.level === 'warn')).to.deep.equal([]);
      const headers = await signWebhook('stripe', body, { secret: testSecrets.stripe.current, now });
      expect(verifiers.get('stripe')?.verify(webhookRequest(headers, body, now))).to.deep.equal({ ok: true, signedAt: now });
    });

    it('makes a source without its secret refuse every request (never fail open), with one warning naming the variable', async () => {
      const { logger, lines } = createMemoryLogger();
      const env = { ...shippedEnv, STRIPE_WEBHOOK_SECRET: undefined };
      const stripe = createSourceVerifiers(shipped(), env, logger).get('stripe');
      expect(stripe?.configured).to.equal(false);
      const warnings = lines().filter((l) => l.level === 'warn');
      expect(warnings.map((l) => l.message)).to.deep.equal([
        'source stripe refuses every request: STRIPE_WEBHOOK_SECRET is not set',
      ]);
      expect(warnings[0]).to.include({ source: 'stripe', scheme: 'stripe' });
      const headers = await signWebhook('stripe', body, { secret: testSecrets.stripe.current, now });
      const result = stripe?.verify(webhookRequest(headers, body, now));
      expect(result).to.include({ ok: false, reason: 'secret_not_configured' });
      expect(result?.ok === false && result.detail).to.include('STRIPE_WEBHOOK_SECRET is not set');
    });
  });

  it('uses the secrets it can resolve and warns once about the others', async () => {
    const { logger, lines } = createMemoryLogger();
    const sources = { github: source({ scheme: 'github', secrets: [{ env: 'GH_OLD' }, { env: 'GH_NEW' }] }) };
    const github = createSourceVerifiers(sources, { GH_NEW: testSecrets.github.next }, logger).get('github');
    expect(github?.configured).to.equal(true);
    const headers = await signWebhook('github', body, { secret: testSecrets.github.next, id: 'guid-7' });
    expect(github?.verify(webhookRequest(headers, body, now))).to.deep.equal({ ok: true, deliveryId: 'guid-7' });
    expect(lines().map((l) => [l.level, l.message])).to.deep.equal([
      ['warn', 'source github ignores 1 of 2 secrets: GH_OLD is not set'],
    ]);
  });

  it('reads file secrets through the injected readFile', () => {
    const { logger } = createMemoryLogger();
    const sources = { shop: source({ scheme: 'shopify', secrets: [{ file: '/run/secrets/shopify' }] }) };
    const read = (path: string): string => (path === '/run/secrets/shopify' ? `${testSecrets.shopify.current}\n` : '');
    expect(createSourceVerifiers(sources, {}, logger, read).get('shop')?.configured).to.equal(true);
  });

  it('treats a secret the scheme cannot use like a missing one, naming where it came from', () => {
    const { logger, lines } = createMemoryLogger();
    const sources = {
      orders: source({ scheme: 'standard-webhooks', secrets: [{ env: 'SW' }] }),
      am: source({ scheme: 'basic', secrets: [{ env: 'AM_BASIC' }] }),
    };
    const verifiers = createSourceVerifiers(sources, { SW: 'whsec_not base64!', AM_BASIC: 'no-colon-here' }, logger);
    expect(verifiers.get('orders')?.configured).to.equal(false);
    expect(verifiers.get('am')?.configured).to.equal(false);
    expect(lines().map((l) => l.message)).to.deep.equal([
      'source orders refuses every request: the env SW value is not valid base64',
      'source am refuses every request: the env AM_BASIC value must be "user:password"',
    ]);
  });

  it('throws SNSGATE_CONFIG_INVALID naming sources.<name>.options.<key> for bad scheme options', () => {
    const { logger } = createMemoryLogger();
    const sources = { acme: source({ scheme: 'hmac', secrets: [{ env: 'ACME' }], options: { header: 'X-Sig', algorithm: 'md5' } }) };
    expect(() => createSourceVerifiers(sources, { ACME: 'x' }, logger))
      .to.throw(GatewayError, /^sources\.acme\.options\.algorithm: option algorithm must be equal to one of the allowed values/)
      .with.property('code', 'SNSGATE_CONFIG_INVALID');
    const unknown = { gh: source({ scheme: 'github', secrets: [{ env: 'GH' }], options: { header: 'X' } }) };
    expect(() => createSourceVerifiers(unknown, {}, logger)).to.throw(/sources\.gh\.options\.header: .*not a known option/);
  });
});
