import type { DeliveryMode, SmsSettings } from '../config/config.js';
import type { MessageStatus } from '../observability/metrics.js';
import type { PublishTarget } from '../publish/publisher.js';

/** A message to write at accept time, one per recipient. */
export interface NewMessage {
  readonly id: string;
  readonly template: string;
  /** The webhook source, or `api:<key name>` for API sends. */
  readonly source: string;
  readonly idempotencyKey?: string;
  /** sha256 of the payload, to tell a true repeat from a key reused with another payload. */
  readonly payloadHash: string;
  readonly target: PublishTarget;
  readonly body: string;
  readonly mediaUrl?: string;
  readonly encoding: 'GSM-7' | 'UCS-2';
  readonly segments: number;
  readonly attributes: SmsSettings;
  readonly delivery: DeliveryMode;
  readonly requestId?: string;
}

/** One row of the message log (`message_logs`). */
export interface MessageRecord {
  readonly id: string;
  readonly template: string;
  readonly source: string;
  readonly idempotencyKey: string | null;
  readonly payloadHash: string;
  readonly target: PublishTarget;
  /** The phone number or topic ARN (the tutorial's `recipient_number`). */
  readonly recipient: string;
  readonly body: string;
  readonly mediaUrl: string | null;
  readonly encoding: 'GSM-7' | 'UCS-2';
  readonly segments: number;
  readonly attributes: SmsSettings;
  readonly delivery: DeliveryMode;
  readonly status: MessageStatus;
  readonly attempts: number;
  readonly nextAttemptAt: Date | null;
  readonly leaseUntil: Date | null;
  readonly snsMessageId: string | null;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly requestId: string | null;
  readonly submittedAt: Date;
  readonly updatedAt: Date;
  readonly sentAt: Date | null;
}

/** The answer to an accept: the rows now in the log, and whether they were created by this call. */
export type AcceptResult =
  | { readonly kind: 'created'; readonly messages: readonly MessageRecord[] }
  | { readonly kind: 'duplicate'; readonly messages: readonly MessageRecord[] }
  | { readonly kind: 'conflict'; readonly messages: readonly MessageRecord[] };

export interface MessageFilter {
  readonly status?: MessageStatus;
  readonly template?: string;
  readonly recipient?: string;
  readonly since?: Date;
  readonly until?: Date;
  /** Opaque cursor from a previous page. */
  readonly cursor?: string;
  readonly limit: number;
}

export interface MessagePage {
  readonly messages: readonly MessageRecord[];
  readonly nextCursor: string | null;
}

export interface LogDepth {
  readonly byStatus: Readonly<Record<MessageStatus, number>>;
  /** Seconds since the oldest due message (accepted/retrying with next attempt ≤ now) became due; 0 when none. */
  readonly oldestDueAgeSeconds: number;
}

/** How a publish attempt ended, as the store records it. */
export type AttemptOutcome =
  | { readonly status: 'sent'; readonly snsMessageId: string }
  | { readonly status: 'retrying'; readonly errorCode: string; readonly errorMessage: string; readonly nextAttemptAt: Date }
  | { readonly status: 'failed' | 'dead'; readonly errorCode: string; readonly errorMessage: string }
  | { readonly status: 'opted_out' }
  /** Not attempted (breaker open, shutdown): back to `retrying` without counting an attempt. */
  | { readonly status: 'deferred'; readonly nextAttemptAt: Date };

/**
 * The message log, which is also the outbox. Every method is one transaction; `claimDue` never
 * hands the same row to two workers while its lease holds (PostgreSQL: FOR UPDATE SKIP LOCKED).
 */
export interface MessageStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Applies pending migrations (idempotent; safe with several replicas starting at once). */
  migrate(): Promise<void>;
  /**
   * Writes all of one request's messages at once. When the template already has rows with the same
   * idempotency key, writes nothing and returns them (`duplicate`, or `conflict` if the payload differs).
   * Rows for sync delivery are written `publishing` with a lease; others `accepted` and due now.
   */
  accept(messages: readonly NewMessage[], now: Date, leaseSeconds: number): Promise<AcceptResult>;
  /** Leases up to `limit` due rows (accepted/retrying due, or publishing with an expired lease). */
  claimDue(limit: number, now: Date, leaseSeconds: number): Promise<MessageRecord[]>;
  /** Records the end of one attempt (increments `attempts`, clears the lease). */
  recordAttempt(id: string, outcome: AttemptOutcome, now: Date): Promise<MessageRecord | undefined>;
  get(id: string): Promise<MessageRecord | undefined>;
  /** The rows of one request, by template and idempotency key (empty when none). */
  findByIdempotencyKey(template: string, idempotencyKey: string): Promise<MessageRecord[]>;
  list(filter: MessageFilter): Promise<MessagePage>;
  /** Requeues a `failed` or `dead` message as due now; undefined when it is not in such a state. */
  requeue(id: string, now: Date): Promise<MessageRecord | undefined>;
  depth(now: Date): Promise<LogDepth>;
  /** Deletes finished rows older than `before`, at most `batchSize` at a time; returns how many. */
  purge(before: Date, batchSize: number): Promise<number>;
  /** Throws when the store cannot be reached (readiness). */
  ping(): Promise<void>;
  /** Calls `listener` when another process (or this one) accepted due messages; returns an unsubscribe. */
  onWake(listener: () => void): () => void;
  close(): Promise<void>;
}
