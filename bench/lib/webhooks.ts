import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { HttpRequestSpec } from './load.js';

/** A fresh Standard Webhooks secret (`whsec_` + base64 of 32 random bytes). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Recipients used by the bench: valid US numbers in the 555-01xx fictional range. */
export const benchPhone = (n: number): string => `+1206555${String(100 + (n % 100)).padStart(4, '0')}`;

/** The `order-shipped` example payload with its own order id and recipient. */
export function orderShippedBody(orderId: string, n: number): string {
  return JSON.stringify({
    type: 'order.shipped',
    timestamp: new Date().toISOString(),
    data: {
      orderId,
      customer: { name: 'Marcus Lee', phone: benchPhone(n) },
      carrier: 'UPS',
      trackingNumber: '1Z999AA10123456784',
      trackingUrl: 'https://track.example.com/ups/1Z999AA10123456784',
      productImageUrl: 'https://cdn.example.com/products/trail-runner-gtx.jpg',
      items: [
        { sku: 'TRG-10-BLK', name: 'Trail Runner GTX, size 10', quantity: 1 },
        { sku: 'WSK-M-GRY', name: 'Wool running socks', quantity: 2 },
      ],
    },
  });
}

/**
 * Distinct signed `order-shipped` webhooks (own `webhook-id` and order id each), signed with the
 * provider's library ahead of the timed part: `presign(n)` fills the pool, `next()` takes from it.
 * Taking from an empty pool signs on the spot and is counted (`signedLate`), so a run can tell
 * whether signing cost the load generator anything in the measured window.
 */
export interface WebhookFeed {
  readonly presign: (count: number) => void;
  readonly next: () => HttpRequestSpec;
  /** Requests handed out so far. */
  readonly taken: () => number;
  readonly signedLate: () => number;
  readonly pooled: () => number;
  /** Forgets the pool (its signatures grow old: the verifier allows 5 minutes). */
  readonly clear: () => void;
}

/** A feed of webhooks for `path`, with order ids `<tag>-<n>`. */
export function createWebhookFeed(secret: string, path: string, tag: string): WebhookFeed {
  const signer = new Webhook(secret);
  let made = 0;
  let taken = 0;
  let late = 0;
  let pool: (HttpRequestSpec | undefined)[] = [];
  let head = 0;

  function make(): HttpRequestSpec {
    const n = made++;
    const id = `msg_${tag}_${n}`;
    const body = orderShippedBody(`${tag}-${n}`, n);
    const now = new Date();
    return {
      method: 'POST',
      path,
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': signer.sign(id, now, body),
      },
      body,
    };
  }

  return {
    presign(count) {
      pool = pool.slice(head);
      head = 0;
      for (let i = 0; i < count; i++) pool.push(make());
    },
    next() {
      taken += 1;
      const r = pool[head];
      if (r !== undefined) {
        pool[head] = undefined; // let the sent request be collected
        head += 1;
        return r;
      }
      late += 1;
      return make();
    },
    taken: () => taken,
    signedLate: () => late,
    pooled: () => pool.length - head,
    clear() {
      pool = [];
      head = 0;
    },
  };
}
