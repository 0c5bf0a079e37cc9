import type { SchemeName } from '../../../src/config/config.js';
import { signWebhook, testSecrets } from '../../helpers/sign-webhook.js';
import type { TestService } from '../../helpers/test-service.js';
import { uniqueTag } from './api-kit.js';

/** A built-in webhook template and how its sender authenticates. */
export interface WebhookSource {
  readonly template: string;
  /** The config source the template names. */
  readonly source: string;
  readonly scheme: SchemeName;
  /** The environment variable of the source's secret in the shipped config. */
  readonly variable: string;
  /** The header that carries the signature (or token), as Node delivers it. */
  readonly signatureHeader: string;
  /** False for bearer tokens, which authenticate the sender but do not sign the body. */
  readonly signsBody: boolean;
  /** Recipients of one webhook (alert templates text every ALERT_SMS_TO number). */
  readonly recipients: number;
}

/** The five built-in webhook templates and their source schemes (config/snsgate.yaml). */
export const webhookSources: readonly WebhookSource[] = [
  { template: 'order-shipped', source: 'orders', scheme: 'standard-webhooks', variable: 'STANDARD_WEBHOOK_SECRET', signatureHeader: 'webhook-signature', signsBody: true, recipients: 1 },
  { template: 'shopify-order-created', source: 'shopify', scheme: 'shopify', variable: 'SHOPIFY_WEBHOOK_SECRET', signatureHeader: 'x-shopify-hmac-sha256', signsBody: true, recipients: 1 },
  { template: 'stripe-payment-succeeded', source: 'stripe', scheme: 'stripe', variable: 'STRIPE_WEBHOOK_SECRET', signatureHeader: 'stripe-signature', signsBody: true, recipients: 1 },
  { template: 'grafana', source: 'grafana', scheme: 'grafana', variable: 'GRAFANA_WEBHOOK_SECRET', signatureHeader: 'x-grafana-alerting-signature', signsBody: true, recipients: 2 },
  { template: 'alertmanager', source: 'alertmanager', scheme: 'bearer', variable: 'ALERTMANAGER_TOKEN', signatureHeader: 'authorization', signsBody: false, recipients: 2 },
];

/**
 * The payload with a fresh identity where the template derives its idempotency key from the body
 * (Stripe's event id; the alert group key of Grafana and Alertmanager); the text does not change.
 */
export function withFreshIdentity(template: string, payload: Record<string, unknown>, tag: string): Record<string, unknown> {
  if (template === 'stripe-payment-succeeded') return { ...payload, id: `evt_${tag}` };
  if (template === 'grafana' || template === 'alertmanager') return { ...payload, groupKey: `${String(payload.groupKey)}/${tag}` };
  return payload;
}

/** What a test sender sends: the exact bytes and the headers its scheme adds. */
export interface SignedRequest {
  readonly body: Buffer;
  readonly headers: Record<string, string>;
}

/** Signs `body` as the source's sender would, with its current secret unless another is given. */
export async function signedFor(
  source: WebhookSource,
  body: Buffer | string,
  options: { secret?: string; id?: string } = {},
): Promise<SignedRequest> {
  const raw = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const headers = await signWebhook(source.scheme, raw, {
    secret: options.secret ?? testSecrets[source.scheme].current,
    id: options.id ?? uniqueTag('msg'),
  });
  return { body: raw, headers };
}

/** POSTs a signed (or deliberately broken) webhook to `/webhooks/<template>`. */
export function deliver(t: TestService, template: string, request: SignedRequest): Promise<Response> {
  return t.fetch(`/webhooks/${template}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...request.headers },
    body: request.body,
  });
}

/** The body with one byte changed (the first key's first letter), still valid JSON. */
export function changeOneByte(body: Buffer): Buffer {
  const copy = Buffer.from(body);
  const at = copy.indexOf('"') + 1;
  const byte = copy[at] ?? 0;
  copy[at] = byte === 0x7a ? 0x79 : byte + 1;
  return copy;
}

/** The headers without the one that carries the signature (names compared case-insensitively). */
export function withoutHeader(headers: Record<string, string>, name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== name));
}
