import { sign as signGithub, verify as verifyGithub } from '@octokit/webhooks-methods';
import { expect } from 'chai';
import sinon from 'sinon';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { Secret } from '../../../src/config/secret.js';
import { githubScheme } from '../../../src/verify/github.js';
import { schemes } from '../../../src/verify/schemes.js';
import { standardWebhooksScheme } from '../../../src/verify/standard-webhooks.js';
import { stripeScheme } from '../../../src/verify/stripe.js';
import { signWebhook, testSecrets, webhookRequest } from '../../helpers/sign-webhook.js';
import { schemeCases } from './scheme-cases.js';

const now = new Date('2026-03-01T12:00:00Z');
const body = Buffer.from('{"id":"evt_3PxY","object":"event","type":"payment_intent.succeeded","data":{"object":{"amount":4200}}}');
const stripe = new Stripe('sk_test_x');

describe('scheme sign() against the providers', () => {
  it('standard-webhooks: signs exactly like the standardwebhooks library, which accepts it', () => {
    const secret = testSecrets['standard-webhooks'].current;
    const headers = standardWebhooksScheme.sign({ secret, body, now, id: 'msg_2Zx9', options: {} });
    expect(headers['webhook-signature']).to.equal(new Webhook(secret).sign('msg_2Zx9', now, body));
    const clock = sinon.useFakeTimers({ now, toFake: ['Date'] });
    expect(() => new Webhook(secret).verify(body, headers)).to.not.throw();
    clock.restore();
  });

  it('github: signs exactly like @octokit/webhooks-methods, whose verify accepts it', async () => {
    const secret = testSecrets.github.current;
    const headers = githubScheme.sign({ secret, body, now, id: 'guid-1', options: {} });
    expect(headers).to.deep.equal({
      'X-GitHub-Delivery': 'guid-1',
      'X-Hub-Signature-256': await signGithub(secret, body.toString('utf8')),
    });
    expect(await verifyGithub(secret, body.toString('utf8'), headers['X-Hub-Signature-256'] ?? '')).to.equal(true);
  });

  it('stripe: signs exactly like generateTestHeaderString, and constructEvent accepts it', () => {
    const secret = testSecrets.stripe.current;
    const headers = stripeScheme.sign({ secret, body, now, id: 'unused', options: {} });
    const timestamp = Math.floor(now.getTime() / 1000);
    expect(headers).to.deep.equal({
      'Stripe-Signature': stripe.webhooks.generateTestHeaderString({ payload: body.toString('utf8'), secret, timestamp }),
    });
    const event = stripe.webhooks.constructEvent(body, headers['Stripe-Signature'] ?? '', secret, 300, undefined, timestamp);
    expect(event.id).to.equal('evt_3PxY');
  });

  for (const c of schemeCases) {
    it(`${c.title}: sign() sends the same headers as the sign helper, and its verifier accepts them`, async () => {
      const scheme = schemes[c.scheme];
      const options = scheme.parseOptions(c.options);
      const ours = scheme.sign({ secret: c.secrets.current, body, now, id: 'msg_2Zx9', options });
      const theirs = await signWebhook(c.scheme, body, { secret: c.secrets.current, now, id: 'msg_2Zx9', options: c.options });
      expect(ours).to.deep.equal(theirs);
      const verifier = scheme.create({ secrets: [new Secret(c.secrets.current)], toleranceSeconds: 300, options });
      expect(verifier.verify(webhookRequest(ours, body, now)).ok).to.equal(true);
    });
  }
});

describe('where snsgate differs from the providers on purpose', () => {
  it('stripe: refuses a future timestamp that stripe-node would accept', async () => {
    const secret = testSecrets.stripe.current;
    const future = new Date(now.getTime() + 3600_000);
    const headers = await signWebhook('stripe', body, { secret, now: future });
    const header = headers['Stripe-Signature'] ?? '';
    const receivedAt = Math.floor(now.getTime() / 1000);
    expect(() => stripe.webhooks.constructEvent(body, header, secret, 300, undefined, receivedAt)).to.not.throw();
    const verifier = stripeScheme.create({ secrets: [new Secret(secret)], toleranceSeconds: 300, options: {} });
    expect(verifier.verify(webhookRequest(headers, body, now))).to.include({ ok: false, reason: 'timestamp_out_of_tolerance' });
  });

  it('standard-webhooks: honours a tolerance other than the library\'s fixed 300 s', async () => {
    const secret = testSecrets['standard-webhooks'].current;
    const tenMinutesAgo = new Date(now.getTime() - 600_000);
    const headers = await signWebhook('standard-webhooks', body, { secret, now: tenMinutesAgo, id: 'msg_late' });
    const clock = sinon.useFakeTimers({ now, toFake: ['Date'] });
    expect(() => new Webhook(secret).verify(body, headers)).to.throw(/too old/);
    clock.restore();
    const verifier = standardWebhooksScheme.create({ secrets: [new Secret(secret)], toleranceSeconds: 900, options: {} });
    expect(verifier.verify(webhookRequest(headers, body, now)).ok).to.equal(true);
  });
});
