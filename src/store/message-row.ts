import type { DeliveryMode, SmsSettings } from '../config/config.js';
import type { MessageStatus } from '../observability/metrics.js';
import type { PublishTarget } from '../publish/publisher.js';
import type { MessageRecord, NewMessage } from './message-store.js';

/** Columns written at accept time, in the order of `toInsertValues`. */
export const insertColumns = [
  'id',
  'template',
  'source',
  'idempotency_key',
  'payload_hash',
  'target_kind',
  'target',
  'recipient_number',
  'message_body',
  'media_url',
  'encoding',
  'segments',
  'attributes',
  'delivery_mode',
  'status',
  'attempts',
  'next_attempt_at',
  'lease_until',
  'request_id',
  'submitted_at',
  'updated_at',
] as const;

/** Statuses whose rows are finished: never claimed again, and purged after retention. */
export const finalStatuses = ['sent', 'failed', 'dead', 'opted_out'] as const satisfies readonly MessageStatus[];

/** One `message_logs` row as a driver returns it (timestamps as ISO text or Date; JSON as text or object). */
export interface MessageRow {
  readonly id: string;
  readonly template: string;
  readonly source: string;
  readonly idempotency_key: string | null;
  readonly payload_hash: string;
  readonly target_kind: string;
  readonly target: unknown;
  readonly recipient_number: string;
  readonly message_body: string;
  readonly media_url: string | null;
  readonly encoding: string;
  readonly segments: number;
  readonly attributes: unknown;
  readonly delivery_mode: string;
  readonly status: string;
  readonly attempts: number;
  readonly next_attempt_at: unknown;
  readonly lease_until: unknown;
  readonly sns_message_id: string | null;
  readonly error_code: string | null;
  readonly error_message: string | null;
  readonly request_id: string | null;
  readonly submitted_at: unknown;
  readonly updated_at: unknown;
  readonly sent_at: unknown;
}

/** The phone number or topic ARN of a target (the tutorial's `recipient_number`). */
export function recipientOf(target: PublishTarget): string {
  return target.kind === 'phone' ? target.phoneNumber : target.topicArn;
}

/**
 * The values of one new row, in `insertColumns` order. Sync rows start `publishing` under a lease so
 * the dispatcher reclaims them if this process dies mid-publish; queued rows start `accepted`, due now.
 */
export function toInsertValues(message: NewMessage, now: Date, leaseSeconds: number): (string | number | null)[] {
  const at = now.toISOString();
  const sync = message.delivery === 'sync';
  return [
    message.id,
    message.template,
    message.source,
    message.idempotencyKey ?? null,
    message.payloadHash,
    message.target.kind,
    JSON.stringify(message.target),
    recipientOf(message.target),
    message.body,
    message.mediaUrl ?? null,
    message.encoding,
    message.segments,
    JSON.stringify(message.attributes),
    message.delivery,
    sync ? 'publishing' : 'accepted',
    0,
    at,
    sync ? new Date(now.getTime() + leaseSeconds * 1000).toISOString() : null,
    message.requestId ?? null,
    at,
    at,
  ];
}

function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

function toDateOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : toDate(value);
}

function fromJson(value: unknown): unknown {
  return typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
}

/** Maps a row of either backend to the record the rest of snsgate reads. */
export function toMessageRecord(row: MessageRow): MessageRecord {
  return {
    id: row.id,
    template: row.template,
    source: row.source,
    idempotencyKey: row.idempotency_key,
    payloadHash: row.payload_hash,
    target: fromJson(row.target) as PublishTarget,
    recipient: row.recipient_number,
    body: row.message_body,
    mediaUrl: row.media_url,
    encoding: row.encoding as MessageRecord['encoding'],
    segments: row.segments,
    attributes: fromJson(row.attributes) as SmsSettings,
    delivery: row.delivery_mode as DeliveryMode,
    status: row.status as MessageStatus,
    attempts: row.attempts,
    nextAttemptAt: toDateOrNull(row.next_attempt_at),
    leaseUntil: toDateOrNull(row.lease_until),
    snsMessageId: row.sns_message_id,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    requestId: row.request_id,
    submittedAt: toDate(row.submitted_at),
    updatedAt: toDate(row.updated_at),
    sentAt: toDateOrNull(row.sent_at),
  };
}

/** Orders claimed rows the way they became due (RETURNING does not promise an order). */
export function byDueTime(a: MessageRecord, b: MessageRecord): number {
  const diff = (a.nextAttemptAt?.getTime() ?? 0) - (b.nextAttemptAt?.getTime() ?? 0);
  return diff !== 0 ? diff : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
