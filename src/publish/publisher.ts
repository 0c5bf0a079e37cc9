import type { SmsSettings } from '../config/config.js';
import type { PublishReason } from '../observability/metrics.js';

/** Where a message goes: one phone number (direct SMS) or a topic (optionally FIFO). */
export type PublishTarget =
  | { readonly kind: 'phone'; readonly phoneNumber: string }
  | {
      readonly kind: 'topic';
      readonly topicArn: string;
      readonly messageGroupId?: string;
      readonly messageDeduplicationId?: string;
    };

/** A rendered message ready to leave: the message log id, target, full text and SMS settings. */
export interface OutboundMessage {
  readonly id: string;
  readonly target: PublishTarget;
  readonly text: string;
  readonly sms: SmsSettings;
  /** SMS segments as counted at render time; only logged (dry-run), never sent. */
  readonly segments?: number;
}

/** What a successful publish returns. */
export interface PublishReceipt {
  readonly messageId: string;
}

/**
 * Publishes one message and classifies its failure; nothing more. Rate limiting, the breaker,
 * retries, metrics and logs wrap it from outside (style.md: dumb integrations, smart wrappers).
 */
export interface Publisher {
  readonly name: 'sns' | 'dry-run';
  publish(message: OutboundMessage, signal?: AbortSignal): Promise<PublishReceipt>;
  /** `CheckIfPhoneNumberIsOptedOut`; the dry-run publisher answers false. */
  isOptedOut(phoneNumber: string, signal?: AbortSignal): Promise<boolean>;
}

/** A failed publish: retryable or permanent, with a bounded reason and the SDK's error name. */
export class PublishError extends Error {
  readonly retryable: boolean;
  readonly reason: PublishReason;
  /** `err.name` as the SDK surfaced it (for example `ThrottledException`), or our own name. */
  readonly errorName: string;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    message: string,
    fields: { retryable: boolean; reason: PublishReason; errorName: string; retryAfterSeconds?: number; cause?: unknown },
  ) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.name = 'PublishError';
    this.retryable = fields.retryable;
    this.reason = fields.reason;
    this.errorName = fields.errorName;
    this.retryAfterSeconds = fields.retryAfterSeconds;
  }
}

/** One entry's result of a PublishBatch call, in input order. */
export type BatchEntryResult =
  | { readonly ok: true; readonly messageId: string }
  | { readonly ok: false; readonly error: PublishError };

/** A publisher that can also send messages to one topic in PublishBatch calls of at most 10 entries each. */
export interface BatchPublisher extends Publisher {
  publishBatch(messages: readonly OutboundMessage[], signal?: AbortSignal): Promise<BatchEntryResult[]>;
}

/** How one delivery attempt ended, after opt-out check, rate limit and breaker. */
export type DeliveryOutcome =
  | { readonly status: 'sent'; readonly snsMessageId: string }
  | { readonly status: 'opted_out' }
  | { readonly status: 'failed'; readonly error: PublishError };

export type BreakerState = 'closed' | 'open' | 'half_open';

/**
 * The publisher wrapped for use: opt-out check (when enabled), outbound rate limit, circuit breaker,
 * metrics and logs. Never throws for a publish failure: the outcome says what happened.
 */
export interface Delivery {
  send(message: OutboundMessage, signal?: AbortSignal): Promise<DeliveryOutcome>;
  /** Messages to one topic ARN (at most 10): one PublishBatch call, one outcome per entry, in order. */
  sendBatch(messages: readonly OutboundMessage[], signal?: AbortSignal): Promise<DeliveryOutcome[]>;
  state(): BreakerState;
  /** Seconds until the breaker lets a trial call through (for `Retry-After`); 0 when closed. */
  retryAfterSeconds(): number;
  /** Stops timers; in-flight calls finish on their own. */
  close(): void;
}
