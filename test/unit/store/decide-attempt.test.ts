import { expect } from 'chai';
import type { DeliveryOutcome } from '../../../src/publish/publisher.js';
import { decideAttempt } from '../../../src/store/decide-attempt.js';
import type { MessageRecord } from '../../../src/store/message-store.js';
import { circuitOpen, permanent, retryable } from '../../helpers/store-helpers.js';

const now = new Date('2025-01-01T01:00:00.000Z');
const policy = { maxAttempts: 5, maxAgeSeconds: 7200, backoffBaseMs: 1000, backoffMaxMs: 60_000 };
const record = (attempts: number, submittedAt = new Date('2025-01-01T00:00:00.000Z')) =>
  ({ attempts, submittedAt }) as unknown as MessageRecord;
const decide = (attempts: number, outcome: DeliveryOutcome, breakerRetryAfterSeconds = 0, submittedAt?: Date) =>
  decideAttempt(record(attempts, submittedAt), outcome, { now, policy, random: () => 0.5, breakerRetryAfterSeconds });

describe('decideAttempt()', () => {
  it('records sent and opted_out as they came', () => {
    expect(decide(0, { status: 'sent', snsMessageId: 'm1' })).to.deep.equal({ status: 'sent', snsMessageId: 'm1' });
    expect(decide(0, { status: 'opted_out' })).to.deep.equal({ status: 'opted_out' });
  });

  it('fails a permanent error at once, with the SDK error name as the code', () => {
    expect(decide(0, permanent())).to.deep.equal({
      status: 'failed',
      errorCode: 'InvalidParameterException',
      errorMessage: 'Invalid parameter: PhoneNumber',
    });
  });

  it('retries a retryable error after a jittered exponential wait', () => {
    const first = decide(0, retryable());
    const third = decide(2, retryable());
    expect(first).to.deep.include({ status: 'retrying', errorCode: 'ThrottledException' });
    expect(first.status === 'retrying' && first.nextAttemptAt.getTime() - now.getTime()).to.equal(500);
    expect(third.status === 'retrying' && third.nextAttemptAt.getTime() - now.getTime()).to.equal(2000);
  });

  it('gives up as dead on the last allowed attempt, or when the next try falls past the maximum age', () => {
    expect(decide(4, retryable()).status).to.equal('dead');
    expect(decide(0, retryable(), 0, new Date(now.getTime() - 7200_000 + 400)).status).to.equal('dead');
    expect(decide(0, retryable(), 0, new Date(now.getTime() - 7200_000 + 600)).status).to.equal('retrying');
  });

  it("defers a breaker refusal until the breaker's wait is over, at least one second", () => {
    const deferred = decide(3, circuitOpen(), 12);
    expect(deferred.status === 'deferred' && deferred.nextAttemptAt.getTime() - now.getTime()).to.equal(12_000);
    const soon = decide(3, circuitOpen(), 0);
    expect(soon.status === 'deferred' && soon.nextAttemptAt.getTime() - now.getTime()).to.equal(1000);
  });
});
