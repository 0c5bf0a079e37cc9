import type { Delivery, DeliveryOutcome, PublishError } from '../publish/publisher.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { AttemptOutcome, MessageRecord, MessageStore } from '../store/message-store.js';
import { toOutboundMessage } from '../store/to-outbound-message.js';

export interface DeliverNowDeps {
  readonly store: MessageStore;
  readonly delivery: Delivery;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly now: () => Date;
  /** Delay before the dispatcher retries a message kept after a retryable sync failure. */
  readonly retryDelayMs: number;
}

function attemptOf(outcome: DeliveryOutcome, keepForRetry: boolean, now: Date, retryDelayMs: number): AttemptOutcome {
  if (outcome.status !== 'failed') return outcome;
  const { error } = outcome;
  const errorCode = error.errorName;
  if (error.retryable && keepForRetry) {
    const delay = Math.max(retryDelayMs, (error.retryAfterSeconds ?? 0) * 1000);
    return { status: 'retrying', errorCode, errorMessage: error.message, nextAttemptAt: new Date(now.getTime() + delay) };
  }
  return { status: 'failed', errorCode, errorMessage: error.message };
}

/** What a sync send came to: the rows after the attempt, and the first failure if any. */
export interface SyncResult {
  readonly messages: readonly MessageRecord[];
  readonly failure: PublishError | undefined;
}

/**
 * Publishes accepted rows now (sync mode) and records each outcome. With an idempotency key a
 * retryable failure stays in the outbox for the dispatcher (a repeat of the request reports its
 * state); without one it is `failed`, since the caller is told and will send again.
 */
export async function deliverNow(records: readonly MessageRecord[], keepForRetry: boolean, deps: DeliverNowDeps): Promise<SyncResult> {
  let failure: PublishError | undefined;
  const messages = await Promise.all(
    records.map(async (record) => {
      const outcome = await deps.delivery.send(toOutboundMessage(record));
      if (outcome.status === 'failed') failure ??= outcome.error;
      const attempt = attemptOf(outcome, keepForRetry, deps.now(), deps.retryDelayMs);
      deps.metrics.messages.inc({ template: record.template, status: attempt.status === 'deferred' ? 'retrying' : attempt.status });
      try {
        return (await deps.store.recordAttempt(record.id, attempt, deps.now())) ?? record;
      } catch (err) {
        // The publish happened; the lease makes the dispatcher finish the bookkeeping (at-least-once).
        deps.log.error('could not record a sync attempt; the dispatcher will reconcile after the lease', { err, id: record.id });
        return record;
      }
    }),
  );
  return { messages, failure };
}
