import type { MessageStatus } from '../observability/metrics.js';
import type { AttemptOutcome } from './message-store.js';

/** The column changes one attempt outcome makes, as plain values both backends bind. */
export interface AttemptChange {
  readonly status: MessageStatus;
  /** 1 when the outcome counts as an attempt; `deferred` does not. */
  readonly countAttempt: 0 | 1;
  readonly nextAttemptAt: string | null;
  readonly snsMessageId: string | null;
  /** 1 keeps the last error (deferred: nothing new happened); 0 writes `errorCode`/`errorMessage`. */
  readonly keepError: 0 | 1;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly sentAt: string | null;
}

/** Maps an attempt outcome to its column changes; the lease is always cleared by the caller's SQL. */
export function toAttemptChange(outcome: AttemptOutcome, now: Date): AttemptChange {
  const none = { snsMessageId: null, keepError: 0, errorCode: null, errorMessage: null, sentAt: null } as const;
  switch (outcome.status) {
    case 'sent':
      return { ...none, status: 'sent', countAttempt: 1, nextAttemptAt: null, snsMessageId: outcome.snsMessageId, sentAt: now.toISOString() };
    case 'opted_out':
      return { ...none, status: 'opted_out', countAttempt: 1, nextAttemptAt: null };
    case 'retrying':
      return {
        ...none,
        status: 'retrying',
        countAttempt: 1,
        nextAttemptAt: outcome.nextAttemptAt.toISOString(),
        errorCode: outcome.errorCode,
        errorMessage: outcome.errorMessage,
      };
    case 'failed':
    case 'dead':
      return { ...none, status: outcome.status, countAttempt: 1, nextAttemptAt: null, errorCode: outcome.errorCode, errorMessage: outcome.errorMessage };
    case 'deferred':
      return { ...none, status: 'retrying', countAttempt: 0, nextAttemptAt: outcome.nextAttemptAt.toISOString(), keepError: 1 };
  }
}
