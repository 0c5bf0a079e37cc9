import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { AttemptOutcome, MessageRecord, MessageStore } from './message-store.js';

export interface OutcomeRecorderOptions {
  readonly store: MessageStore;
  readonly metrics: Pick<Metrics, 'messages' | 'dispatchAttempts'>;
  readonly logger: Logger;
  readonly now: () => Date;
  /** Tries of the store write before leaving the row to its lease; 3 by default. */
  readonly tries?: number;
}

/**
 * Writes one attempt's outcome to the log and counts it. The write is retried (at least `tries`
 * times, and for as long as the claim's lease holds), since losing it means the lease expires and
 * the message is published again; if it still fails, that re-publish is the at-least-once fallback
 * and the error is logged.
 */
export function createOutcomeRecorder(options: OutcomeRecorderOptions) {
  const { store, metrics, logger, now } = options;
  const tries = options.tries ?? 3;

  async function write(id: string, outcome: AttemptOutcome, leaseUntil: Date | null): Promise<MessageRecord | undefined | 'failed'> {
    // A message log outage (disk full, database restarting) must not turn a sent message into a
    // duplicate: past `tries`, keep trying while this claim's lease holds (nobody else may publish it).
    const leaseLeftMs = leaseUntil === null ? 0 : leaseUntil.getTime() - now().getTime();
    const started = performance.now();
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await store.recordAttempt(id, outcome, now());
      } catch (err) {
        const waitMs = Math.min(1000, 100 * 2 ** attempt);
        if (attempt >= tries && performance.now() - started + waitMs >= leaseLeftMs - 1000) {
          logger.error('could not record a delivery outcome; the message will be published again after its lease', {
            err,
            messageId: id,
            outcome: outcome.status,
          });
          return 'failed';
        }
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
  }

  return async function recordOutcome(message: MessageRecord, outcome: AttemptOutcome): Promise<void> {
    const written = await write(message.id, outcome, message.leaseUntil);
    metrics.dispatchAttempts.inc({ outcome: outcome.status });
    if (outcome.status !== 'deferred') metrics.messages.inc({ template: message.template, status: outcome.status });
    const fields = { messageId: message.id, template: message.template, recipient: message.recipient, outcome: outcome.status };
    if (written === undefined) {
      logger.warn('delivery outcome not recorded: the message is no longer publishing (its lease expired)', fields);
      return;
    }
    if (written === 'failed') return;
    const detail = { ...fields, attempts: written.attempts, errorCode: written.errorCode, nextAttemptAt: written.nextAttemptAt };
    if (outcome.status === 'failed' || outcome.status === 'dead') logger.warn('message not delivered', { ...detail, error: written.errorMessage });
    else if (outcome.status === 'retrying') logger.info('message delivery will be retried', detail);
    else logger.debug('message delivery attempt ended', detail);
  };
}
