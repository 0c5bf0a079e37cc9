import { createHmac } from 'node:crypto';
import { sign as signGithub } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import type { SchemeName } from '../../src/config/config.js';
import type { IncomingHeaders, WebhookRequest } from '../../src/verify/signature-scheme.js';

/** Three secrets per scheme: the one in use, the one being rotated in, and one rotated out. */
export interface TestSecrets {
  readonly current: string;
  readonly next: string;
  readonly retired: string;
}

const whsec = (seed: string): string => `whsec_${Buffer.from(seed.padEnd(24, '.')).toString('base64')}`;
const plain = (scheme: string): TestSecrets => ({
  current: `${scheme}-current-secret`,
  next: `${scheme}-next-secret`,
  retired: `${scheme}-retired-secret`,
});

/** Shared test secrets, shaped as each scheme's sender issues them (whsec_, user:password…). */
export const testSecrets: Readonly<Record<SchemeName, TestSecrets>> = {
  'standard-webhooks': { current: whsec('sw-current'), next: whsec('sw-next'), retired: whsec('sw-retired') },
  github: { current: "It's a Secret to Everybody", next: 'github-next-secret', retired: 'github-retired-secret' },
  shopify: plain('shopify'),
  stripe: { current: 'whsec_stripecurrent0001', next: 'whsec_stripenext0002', retired: 'whsec_striperetired0003' },
  slack: plain('slack'),
  grafana: plain('grafana'),
  hmac: plain('hmac'),
  bearer: { current: 'am-token-current', next: 'am-token-next', retired: 'am-token-retired' },
  basic: { current: 'alertmanager:pw-current', next: 'alertmanager:pw-next', retired: 'alertmanager:pw-retired' },
};

export interface SignWebhookOptions {
  readonly secret: string;
  readonly now?: Date;
  /** The delivery id for schemes that send one. */
  readonly id?: string;
  /** The source's scheme options (grafana, hmac, bearer). */
  readonly options?: Readonly<Record<string, unknown>>;
}

let stripe: Stripe | undefined;
const stripeClient = (): Stripe => (stripe ??= new Stripe('sk_test_x'));
const seconds = (now: Date): number => Math.floor(now.getTime() / 1000);
const hmac = (algorithm: string, key: Buffer | string, content: Buffer): Buffer =>
  createHmac(algorithm, key).update(content).digest();
const str = (options: Readonly<Record<string, unknown>>, key: string, fallback: string): string => {
  const value = options[key];
  return typeof value === 'string' ? value : fallback;
};

// The generic scheme's documented algorithm, written independently of src/verify/hmac.ts.
function signGenericHmac(body: Buffer, secret: string, now: Date, id: string, o: Readonly<Record<string, unknown>>) {
  const timestamp = str(o, 'timestampUnit', 's') === 'ms' ? String(now.getTime()) : String(seconds(now));
  const template = str(o, 'signedContent', '{body}').replaceAll('{timestamp}', timestamp).replaceAll('{id}', id);
  const [before = '', after = ''] = template.split('{body}');
  const key = Buffer.from(secret, str(o, 'secretEncoding', 'utf8') as BufferEncoding);
  const content = Buffer.concat([Buffer.from(before), body, Buffer.from(after)]);
  const mac = hmac(str(o, 'algorithm', 'sha256'), key, content).toString(str(o, 'encoding', 'hex') as BufferEncoding);
  const headers: Record<string, string> = { [str(o, 'header', '')]: str(o, 'prefix', '') + mac };
  if (typeof o.timestampHeader === 'string') headers[o.timestampHeader] = timestamp;
  if (typeof o.idHeader === 'string') headers[o.idHeader] = id;
  return headers;
}

/**
 * Signs `body` as the scheme's sender would and returns the headers it sends (names spelled as the
 * sender spells them). Uses the providers' own libraries where they exist (standardwebhooks,
 * @octokit/webhooks-methods, stripe) and the documented algorithm elsewhere.
 */
export async function signWebhook(
  scheme: SchemeName,
  payload: Buffer | string,
  { secret, now = new Date(), id = 'delivery-1', options = {} }: SignWebhookOptions,
): Promise<Record<string, string>> {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload, 'utf8');
  switch (scheme) {
    case 'standard-webhooks':
      return {
        'webhook-id': id,
        'webhook-timestamp': String(seconds(now)),
        'webhook-signature': new Webhook(secret).sign(id, now, body),
      };
    case 'github':
      return { 'X-GitHub-Delivery': id, 'X-Hub-Signature-256': await signGithub(secret, body.toString('utf8')) };
    case 'stripe':
      return {
        'Stripe-Signature': stripeClient().webhooks.generateTestHeaderString({
          payload: body.toString('utf8'),
          secret,
          timestamp: seconds(now),
        }),
      };
    case 'shopify':
      return { 'X-Shopify-Webhook-Id': id, 'X-Shopify-Hmac-Sha256': hmac('sha256', secret, body).toString('base64') };
    case 'slack': {
      const ts = String(seconds(now));
      const content = Buffer.concat([Buffer.from(`v0:${ts}:`), body]);
      return { 'X-Slack-Request-Timestamp': ts, 'X-Slack-Signature': `v0=${hmac('sha256', secret, content).toString('hex')}` };
    }
    case 'grafana': {
      const header = str(options, 'header', 'X-Grafana-Alerting-Signature');
      if (typeof options.timestampHeader !== 'string') return { [header]: hmac('sha256', secret, body).toString('hex') };
      const ts = String(seconds(now));
      const content = Buffer.concat([Buffer.from(`${ts}:`), body]);
      return { [options.timestampHeader]: ts, [header]: hmac('sha256', secret, content).toString('hex') };
    }
    case 'hmac':
      return signGenericHmac(body, secret, now, id, options);
    case 'bearer': {
      const header = str(options, 'header', 'Authorization');
      return { [header]: header.toLowerCase() === 'authorization' ? `Bearer ${secret}` : secret };
    }
    case 'basic':
      return { Authorization: `Basic ${Buffer.from(secret).toString('base64')}` };
  }
}

/** Headers as Node's HTTP server delivers them: names lower-cased. */
export function asNodeHeaders(headers: Readonly<Record<string, string | string[]>>): IncomingHeaders {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

/** A verifier's input from signed headers (lower-cased as Node would), the exact body and the clock. */
export function webhookRequest(
  headers: Readonly<Record<string, string | string[]>>,
  body: Buffer | string,
  now: Date,
): WebhookRequest {
  return { headers: asNodeHeaders(headers), rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'), now };
}
