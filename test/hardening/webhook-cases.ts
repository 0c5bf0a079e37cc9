import { readFileSync } from 'node:fs';
import type { SchemeName } from '../../src/config/config.js';
import { signWebhook, testSecrets } from '../helpers/sign-webhook.js';

/** One built-in webhook template, with a payload made unique by a nonce that the SMS text shows. */
export interface WebhookCase {
  readonly template: string;
  readonly scheme: SchemeName;
  /** SMS per accepted webhook (alert templates text every number in ALERT_SMS_TO). */
  readonly recipients: number;
  /** Whether the scheme signs a timestamp (so replays outside the tolerance are refused). */
  readonly timestamped: boolean;
  /** Where the idempotency key comes from: a header the sender sets, or the payload itself. */
  readonly idFrom: 'header' | 'payload' | 'none';
  /** How the signature is written: hex decodes case-insensitively to the same bytes; base64 and tokens do not. */
  readonly encoding: 'hex' | 'base64' | 'token';
  payload(nonce: string): Record<string, unknown>;
  /** The same delivery (same id) with a different SMS text, which says EDITED. */
  edited(nonce: string): Record<string, unknown>;
}

function fixture(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

type Doc = Record<string, unknown>;
const obj = (v: unknown): Doc => v as Doc;

/** An alert template (grafana, alertmanager): the id is the group key + status + fingerprints, so from the payload. */
function alertCase(template: 'grafana' | 'alertmanager', scheme: SchemeName, encoding: WebhookCase['encoding']): WebhookCase {
  return {
    template,
    scheme,
    recipients: 2,
    timestamped: false,
    idFrom: 'payload',
    encoding,
    payload(nonce) {
      const p = fixture(`templates/${template}/examples/firing.json`);
      p.groupKey = `{}:{alertname="${nonce}"}`;
      obj(p.commonAnnotations).summary = `summary ${nonce}`;
      return p;
    },
    edited(nonce) {
      const p = this.payload(nonce);
      obj(p.commonAnnotations).summary = `EDITED ${nonce}`;
      return p;
    },
  };
}

/** The five webhook templates the gateway ships, one per configured source. */
export const webhookCases: readonly WebhookCase[] = [
  {
    template: 'order-shipped',
    scheme: 'standard-webhooks',
    recipients: 1,
    timestamped: true,
    idFrom: 'header',
    encoding: 'base64',
    payload(nonce) {
      const p = fixture('templates/order-shipped/examples/royal-mail.json');
      obj(p.data).orderId = `ORD-${nonce}`;
      return p;
    },
    edited(nonce) {
      const p = this.payload(nonce);
      obj(p.data).carrier = 'EDITED';
      return p;
    },
  },
  {
    template: 'stripe-payment-succeeded',
    scheme: 'stripe',
    recipients: 1,
    timestamped: true,
    idFrom: 'payload',
    encoding: 'hex',
    payload(nonce) {
      const p = fixture('templates/stripe-payment-succeeded/examples/usd-order.json');
      p.id = `evt_${nonce}`;
      obj(obj(obj(p.data).object).metadata).order_id = `ORD-${nonce}`;
      return p;
    },
    edited(nonce) {
      const p = this.payload(nonce);
      obj(obj(obj(p.data).object).metadata).order_id = `EDITED-${nonce}`;
      return p;
    },
  },
  {
    template: 'shopify-order-created',
    scheme: 'shopify',
    recipients: 1,
    timestamped: false,
    idFrom: 'header',
    encoding: 'base64',
    payload(nonce) {
      const p = fixture('templates/shopify-order-created/examples/us-customer.json');
      p.name = `#${nonce}`;
      return p;
    },
    edited(nonce) {
      const p = this.payload(nonce);
      p.name = `#EDITED${nonce}`;
      return p;
    },
  },
  alertCase('grafana', 'grafana', 'hex'),
  alertCase('alertmanager', 'bearer', 'token'),
];

/** Signs as the case's sender would, with the source's current secret unless told otherwise. */
export function signCase(c: WebhookCase, body: Buffer | string, options: { id?: string; now?: Date; secret?: string } = {}): Promise<Record<string, string>> {
  return signWebhook(c.scheme, body, {
    secret: options.secret ?? testSecrets[c.scheme].current,
    ...(options.id === undefined ? {} : { id: options.id }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
}

/** The secret of a different source: a genuine signature, by the wrong sender. */
export function otherSourceSecret(c: WebhookCase): string {
  const other: SchemeName = c.scheme === 'shopify' ? 'grafana' : 'shopify';
  // Standard Webhooks keys are base64 after whsec_: another sender's key in that form.
  return c.scheme === 'standard-webhooks' ? `whsec_${Buffer.from('another-sources-secret!!').toString('base64')}` : testSecrets[other].current;
}
