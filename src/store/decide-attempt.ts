import type { Config } from '../config/config.js';
import type { DeliveryOutcome } from '../publish/publisher.js';
import { computeBackoff } from './compute-backoff.js';
import type { AttemptOutcome, MessageRecord } from './message-store.js';

export interface DecideContext {
  readonly now: Date;
  readonly policy: Pick<Config['dispatcher'], 'maxAttempts' | 'maxAgeSeconds' | 'backoffBaseMs' | 'backoffMaxMs'>;
  readonly random: () => number;
  /** The breaker's own wait (`Delivery.retryAfterSeconds()`), for a message it refused. */
  readonly breakerRetryAfterSeconds: number;
}

/**
 * What the log records after one delivery: sent and opted-out as they are; a refusal by the open
 * breaker deferred (no attempt counted) until the breaker's wait is over; a permanent failure `failed`
 * at once; a retryable one `retrying` with backoff, or `dead` once attempts are used up or the next
 * try would fall past `maxAgeSeconds` after submission.
 *
 * `maxAttempts` and `maxAgeSeconds` bound a message's whole life, and `requeue` keeps `attempts` as
 * history: so a requeued `dead` message gets one more try (the dispatcher always publishes what it
 * claimed), and goes back to `dead` if that try fails retryably; the operator may requeue it again.
 */
export function decideAttempt(record: MessageRecord, outcome: DeliveryOutcome, ctx: DecideContext): AttemptOutcome {
  if (outcome.status !== 'failed') return outcome;
  const { error } = outcome;
  const nowMs = ctx.now.getTime();
  if (error.reason === 'circuit_open') {
    const waitSeconds = Math.max(ctx.breakerRetryAfterSeconds, error.retryAfterSeconds ?? 0, 1);
    return { status: 'deferred', nextAttemptAt: new Date(nowMs + waitSeconds * 1000) };
  }
  const failure = { errorCode: error.errorName, errorMessage: error.message };
  if (!error.retryable) return { status: 'failed', ...failure };
  const attempts = record.attempts + 1;
  const delayMs = computeBackoff(
    attempts,
    { baseMs: ctx.policy.backoffBaseMs, maxMs: ctx.policy.backoffMaxMs, floorMs: (error.retryAfterSeconds ?? 0) * 1000 },
    ctx.random,
  );
  const nextAttemptAt = new Date(nowMs + delayMs);
  const deadline = record.submittedAt.getTime() + ctx.policy.maxAgeSeconds * 1000;
  if (attempts >= ctx.policy.maxAttempts || nextAttemptAt.getTime() > deadline) return { status: 'dead', ...failure };
  return { status: 'retrying', ...failure, nextAttemptAt };
}
