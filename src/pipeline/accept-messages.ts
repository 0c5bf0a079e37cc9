import type { DeliveryMode } from '../config/config.js';
import type { Limits } from '../limits/create-limits.js';
import type { AcceptResult, MessageStore, NewMessage } from '../store/message-store.js';
import type { RenderedMessage } from '../templates/template-plugin.js';

export interface AcceptInput {
  readonly template: string;
  readonly source: string;
  readonly idempotencyKey: string | undefined;
  readonly payloadHash: string;
  readonly messages: readonly RenderedMessage[];
  readonly mode: DeliveryMode;
  readonly requestId: string;
}

export interface AcceptDeps {
  readonly store: MessageStore;
  readonly limits: Limits;
  readonly newId: () => string;
  readonly now: () => Date;
  readonly leaseSeconds: number;
}

/** The rows to write for one request: one per rendered message. */
export function toNewMessages(input: AcceptInput, newId: () => string): NewMessage[] {
  return input.messages.map((m) => ({
    id: newId(),
    template: input.template,
    source: input.source,
    ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey }),
    payloadHash: input.payloadHash,
    target: m.target,
    body: m.text,
    ...(m.mediaUrl === undefined ? {} : { mediaUrl: m.mediaUrl }),
    encoding: m.sms.encoding,
    segments: m.sms.segments,
    attributes: m.attributes,
    delivery: input.mode,
    requestId: input.requestId,
  }));
}

/**
 * Takes the abuse limits, then writes every message in one transaction. A repeat of an idempotency
 * key (a race lost to another request) gives its points back and returns the first rows. A store
 * failure gives them back too and accepts nothing.
 */
export async function acceptMessages(input: AcceptInput, deps: AcceptDeps): Promise<AcceptResult> {
  const now = deps.now();
  const phones = input.messages.flatMap((m) => (m.target.kind === 'phone' ? [m.target.phoneNumber] : []));
  const reservation = await deps.limits.reserveMessages(input.template, phones, now);
  let result: AcceptResult;
  try {
    result = await deps.store.accept(toNewMessages(input, deps.newId), now, deps.leaseSeconds);
  } catch (err) {
    // Nothing was written: give the points back (the store wrapper makes this a 503).
    await reservation.refund();
    throw err;
  }
  if (result.kind !== 'created') await reservation.refund();
  return result;
}
