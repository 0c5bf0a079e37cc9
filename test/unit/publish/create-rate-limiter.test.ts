import { expect } from 'chai';
import sinon from 'sinon';
import { createRateLimiter } from '../../../src/publish/create-rate-limiter.js';
import { freshMetrics, observations } from './publish-kit.js';

describe('createRateLimiter', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });

  /** Acquires and records the fake time at which each caller got through. */
  function track(limiter: ReturnType<typeof createRateLimiter>, count: number, tokens = 1): number[] {
    const times: number[] = [];
    for (let i = 0; i < count; i++) void limiter.acquire(tokens).then(() => times.push(clock.now));
    return times;
  }

  it('lets a burst through at once, then one caller per 1/rate seconds', async () => {
    const limiter = createRateLimiter({ messagesPerSecond: 10, burst: 3, now: () => clock.now });
    const times = track(limiter, 6);
    await clock.tickAsync(1000);
    expect(times).to.deep.equal([0, 0, 0, 100, 200, 300]);
  });

  it('serves waiters strictly in arrival order, a large request holding back smaller ones behind it', async () => {
    const limiter = createRateLimiter({ messagesPerSecond: 10, burst: 5, now: () => clock.now });
    const order: string[] = [];
    await limiter.acquire(5);
    void limiter.acquire(4).then(() => order.push('four'));
    void limiter.acquire(1).then(() => order.push('one'));
    await clock.tickAsync(399);
    expect(order).to.deep.equal([]);
    await clock.tickAsync(1);
    expect(order).to.deep.equal(['four']);
    await clock.tickAsync(100);
    expect(order).to.deep.equal(['four', 'one']);
  });

  it('lets a request larger than the bucket through on a full bucket and keeps the long-run rate', async () => {
    const limiter = createRateLimiter({ messagesPerSecond: 10, burst: 2, now: () => clock.now });
    const times = track(limiter, 2, 10);
    await clock.tickAsync(2000);
    // The first takes the full bucket and leaves 8 tokens of debt: the next full bucket is 1 s later.
    expect(times).to.deep.equal([0, 1000]);
  });

  it('rejects an aborted waiter with the signal’s reason and lets the next one move up', async () => {
    const limiter = createRateLimiter({ messagesPerSecond: 10, burst: 1, now: () => clock.now });
    await limiter.acquire();
    const controller = new AbortController();
    const first = limiter.acquire(1, controller.signal);
    const second = track(limiter, 1);
    controller.abort(new Error('shutting down'));
    await first.then(
      () => expect.fail('should have been rejected'),
      (err: unknown) => expect(err).to.have.property('message', 'shutting down'),
    );
    await clock.tickAsync(100);
    expect(second).to.deep.equal([100]);
    expect(limiter.pending()).to.equal(0);
  });

  it('refuses at once when the signal is already aborted', async () => {
    const limiter = createRateLimiter({ messagesPerSecond: 1, burst: 1, now: () => clock.now });
    const err = await limiter.acquire(1, AbortSignal.abort()).catch((e: unknown) => e);
    expect(err).to.have.property('name', 'AbortError');
  });

  it('never waits when the rate is 0 (unlimited)', async () => {
    const limiter = createRateLimiter({ messagesPerSecond: 0, burst: 1, now: () => clock.now });
    const times = track(limiter, 1000);
    await clock.tickAsync(0);
    expect(times).to.have.length(1000);
  });

  it('observes every wait in rateLimiterWait', async () => {
    const metrics = freshMetrics();
    const limiter = createRateLimiter({ messagesPerSecond: 10, burst: 1, metrics, now: () => clock.now });
    track(limiter, 3);
    await clock.tickAsync(300);
    expect(await observations(metrics.rateLimiterWait)).to.equal(3);
    const { values } = await metrics.rateLimiterWait.get();
    expect(values.find((v) => v.metricName === 'snsgate_rate_limiter_wait_seconds_sum')?.value).to.be.closeTo(0.3, 1e-9);
  });

  it('rejects every waiter on close', async () => {
    const limiter = createRateLimiter({ messagesPerSecond: 1, burst: 1, now: () => clock.now });
    await limiter.acquire();
    const waiting = limiter.acquire().catch((e: unknown) => e);
    limiter.close();
    expect(await waiting).to.have.property('message', 'rate limiter closed');
  });
});
