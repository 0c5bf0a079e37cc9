import { expect } from 'chai';
import { Secret } from '../../../src/config/secret.js';
import type { VerifyResult } from '../../../src/verify/signature-scheme.js';
import { standardWebhooksScheme } from '../../../src/verify/standard-webhooks.js';
import { stripeScheme } from '../../../src/verify/stripe.js';
import { signWebhook, testSecrets, webhookRequest } from '../../helpers/sign-webhook.js';

const now = new Date('2026-03-01T12:00:00Z');
const body = Buffer.from('{"type":"order.shipped","data":{"orderId":"A-1001"}}');
const reason = (r: VerifyResult): string => (r.ok ? 'accepted' : r.reason);

describe('standard-webhooks signature lists', () => {
  const secrets = testSecrets['standard-webhooks'];
  const verifier = standardWebhooksScheme.create({ secrets: [new Secret(secrets.next)], toleranceSeconds: 300, options: {} });
  const sign = (secret: string, id = 'msg_1') => signWebhook('standard-webhooks', body, { secret, now, id });
  const sigOf = async (secret: string): Promise<string> => (await sign(secret))['webhook-signature'] ?? '';

  async function withSignature(value: string) {
    return webhookRequest({ ...(await sign(secrets.next)), 'webhook-signature': value }, body, now);
  }

  it('accepts a space-separated list when any v1 entry matches (sender rotating its secret)', async () => {
    const list = `${await sigOf(secrets.retired)} ${await sigOf(secrets.next)}`;
    expect(verifier.verify(await withSignature(list)).ok).to.equal(true);
  });

  it('tolerates several spaces or a tab between entries', async () => {
    const list = `${await sigOf(secrets.retired)}  \t ${await sigOf(secrets.next)}`;
    expect(verifier.verify(await withSignature(list)).ok).to.equal(true);
  });

  it('skips other versions such as v1a (asymmetric) and still matches a v1 entry', async () => {
    const list = `v1a,${'A'.repeat(86)}== ${await sigOf(secrets.next)}`;
    expect(verifier.verify(await withSignature(list)).ok).to.equal(true);
  });

  it('answers no_matching_signature when only other versions are present', async () => {
    const result = verifier.verify(await withSignature(`v1a,${'A'.repeat(86)}==`));
    expect(reason(result)).to.equal('no_matching_signature');
    expect(result.ok || result.detail).to.include('no v1 signature');
  });

  it('refuses a list in which an entry is not version,signature (malformed_header)', async () => {
    expect(reason(verifier.verify(await withSignature(`${await sigOf(secrets.next)} garbage`)))).to.equal('malformed_header');
  });

  it('refuses a webhook-id containing "." (the spec forbids it) as malformed_header', async () => {
    const headers = await sign(secrets.next, 'msg.1');
    expect(reason(verifier.verify(webhookRequest(headers, body, now)))).to.equal('malformed_header');
  });

  it('refuses a webhook-id changed after signing as no_matching_signature (the id is signed)', async () => {
    const headers = { ...(await sign(secrets.next)), 'webhook-id': 'msg_2' };
    expect(reason(verifier.verify(webhookRequest(headers, body, now)))).to.equal('no_matching_signature');
  });

  it('accepts a secret given without the whsec_ prefix, like the reference library', async () => {
    const bare = secrets.next.slice('whsec_'.length);
    const v = standardWebhooksScheme.create({ secrets: [new Secret(bare)], toleranceSeconds: 300, options: {} });
    expect(v.verify(webhookRequest(await sign(secrets.next), body, now)).ok).to.equal(true);
  });

  it('refuses to build with a secret that is not base64 after whsec_', () => {
    expect(() =>
      standardWebhooksScheme.create({ secrets: [new Secret('whsec_not base64!')], toleranceSeconds: 300, options: {} }),
    ).to.throw('not valid base64');
  });
});

describe('stripe signature headers', () => {
  const secrets = testSecrets.stripe;
  const verifier = stripeScheme.create({ secrets: [new Secret(secrets.current)], toleranceSeconds: 300, options: {} });
  const headerOf = async (secret: string): Promise<string> =>
    (await signWebhook('stripe', body, { secret, now }))['Stripe-Signature'] ?? '';
  const check = (value: string) => verifier.verify(webhookRequest({ 'stripe-signature': value }, body, now));

  it('accepts when any of several v1 signatures matches, and ignores v0', async () => {
    const good = await headerOf(secrets.current);
    const other = (await headerOf(secrets.retired)).replace(/^t=\d+,/, '');
    const v0 = other.replace('v1=', 'v0=');
    expect(check(`${good},${other},${v0}`).ok).to.equal(true);
    expect(check(`${v0},${other},${good}`).ok).to.equal(true);
  });

  it('tolerates spaces around items', async () => {
    const spaced = (await headerOf(secrets.current)).replace(',', ' , ');
    expect(check(spaced).ok).to.equal(true);
  });

  it('answers no_matching_signature when there is no v1 item', async () => {
    const onlyV0 = (await headerOf(secrets.current)).replace('v1=', 'v0=');
    expect(reason(check(onlyV0))).to.equal('no_matching_signature');
  });

  it('refuses a t= changed after signing as no_matching_signature (the timestamp is signed)', async () => {
    const shifted = (await headerOf(secrets.current)).replace(/t=(\d+)/, (_m, t: string) => `t=${Number(t) - 1}`);
    expect(reason(check(shifted))).to.equal('no_matching_signature');
  });

  it('reports no deliveryId (the template takes the event id from the payload)', async () => {
    const result = check(await headerOf(secrets.current));
    expect(result).to.deep.equal({ ok: true, signedAt: now });
  });
});
