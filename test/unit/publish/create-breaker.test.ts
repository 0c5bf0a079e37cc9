import { expect } from 'chai';
import sinon from 'sinon';
import type { Config } from '../../../src/config/config.js';
import { createMemoryLogger } from '../../../src/observability/logger.js';
import { createBreaker } from '../../../src/publish/create-breaker.js';
import { PublishError } from '../../../src/publish/publisher.js';
import { freshMetrics, publisherConfig, valueOf } from './publish-kit.js';

const retryable = () => new PublishError('InternalError', { retryable: true, reason: 'server', errorName: 'InternalErrorException' });
const abortError = () => Object.assign(new Error('Request aborted'), { name: 'AbortError' });
const permanent = () => new PublishError('bad number', { retryable: false, reason: 'client', errorName: 'InvalidParameterException' });

describe('createBreaker', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: 1_700_000_000_000 });
  });

  function setUp(breaker: Partial<Config['publisher']['breaker']> = {}) {
    const config = publisherConfig({
      breaker: { volumeThreshold: 4, errorThresholdPercentage: 50, resetTimeoutMs: 30_000, timeoutMs: 500, ...breaker },
    }).breaker;
    const metrics = freshMetrics();
    const { logger, lines } = createMemoryLogger('debug');
    const subject = createBreaker({ config, callTimeoutMs: 100, metrics, logger });
    const calls = { count: 0 };
    const run = (outcome: 'ok' | PublishError | 'hang', signal?: AbortSignal) =>
      subject.run((s) => {
        calls.count++;
        if (outcome === 'ok') return Promise.resolve('receipt');
        if (outcome === 'hang') return new Promise<string>((_, reject) => s.addEventListener('abort', () => reject(abortError())));
        return Promise.reject(outcome);
      }, signal);
    const settle = (outcome: 'ok' | PublishError) => run(outcome).catch((e: unknown) => e);
    return { subject, metrics, lines, calls, run, settle };
  }

  it('stays closed after one retryable failure below the volume threshold', async () => {
    const { subject, settle } = setUp();
    const err = await settle(retryable());
    expect(err).to.be.instanceOf(PublishError).and.include({ reason: 'server', retryable: true });
    expect(subject.state()).to.equal('closed');
  });

  it('does not open at exactly the threshold rate (2 of 4) but opens above it (3 of 4)', async () => {
    const even = setUp();
    for (const o of ['ok', retryable(), 'ok', retryable()] as const) await even.settle(o);
    expect(even.subject.state()).to.equal('closed');
    const above = setUp();
    for (const o of ['ok', retryable(), retryable(), retryable()] as const) await above.settle(o);
    expect(above.subject.state()).to.equal('open');
  });

  it('never counts permanent errors, which still reach the caller', async () => {
    const { subject, settle } = setUp();
    for (let i = 0; i < 10; i++) {
      expect(await settle(permanent())).to.include({ retryable: false, reason: 'client' });
    }
    expect(subject.state()).to.equal('closed');
  });

  it('fails fast while open with circuit_open and the seconds left until half-open', async () => {
    const { subject, settle, calls } = setUp();
    for (let i = 0; i < 4; i++) await settle(retryable());
    expect(subject.state()).to.equal('open');
    await clock.tickAsync(10_400);
    const before = calls.count;
    const err = await settle('ok');
    expect(calls.count).to.equal(before);
    expect(err).to.be.instanceOf(PublishError).and.include({ reason: 'circuit_open', retryable: true, errorName: 'CircuitOpen' });
    expect((err as PublishError).retryAfterSeconds).to.equal(20);
    expect(subject.retryAfterSeconds()).to.equal(20);
  });

  it('half-opens after the reset timeout and closes when the trial call succeeds', async () => {
    const { subject, settle, metrics } = setUp();
    for (let i = 0; i < 4; i++) await settle(retryable());
    expect(await valueOf(metrics.breakerState)).to.equal(2);
    await clock.tickAsync(30_000);
    expect(subject.state()).to.equal('half_open');
    expect(subject.retryAfterSeconds()).to.equal(1);
    expect(await valueOf(metrics.breakerState)).to.equal(1);
    expect(await settle('ok')).to.equal('receipt');
    expect(subject.state()).to.equal('closed');
    expect(subject.retryAfterSeconds()).to.equal(0);
    expect(await valueOf(metrics.breakerState)).to.equal(0);
  });

  it('reopens for a full reset timeout when the half-open trial fails', async () => {
    const { subject, settle } = setUp();
    for (let i = 0; i < 4; i++) await settle(retryable());
    await clock.tickAsync(30_000);
    await settle(retryable());
    expect(subject.state()).to.equal('open');
    expect(subject.retryAfterSeconds()).to.equal(30);
  });

  it('logs each state change once, however many calls it rejects, and counts events', async () => {
    const { settle, lines, metrics } = setUp();
    for (let i = 0; i < 4; i++) await settle(retryable());
    for (let i = 0; i < 20; i++) await settle('ok');
    await clock.tickAsync(30_000);
    await settle('ok');
    const messages = lines().map((l) => [l.level, l.message]);
    expect(messages).to.deep.equal([
      ['warn', 'SNS circuit breaker opened: publishing fails fast'],
      ['info', 'SNS circuit breaker half-open: letting one trial publish through'],
      ['info', 'SNS circuit breaker closed: publishing resumed'],
    ]);
    expect(await valueOf(metrics.breakerEvents, { event: 'open' })).to.equal(1);
    expect(await valueOf(metrics.breakerEvents, { event: 'reject' })).to.equal(20);
    expect(await valueOf(metrics.breakerEvents, { event: 'failure' })).to.equal(4);
    expect(await valueOf(metrics.breakerEvents, { event: 'half_open' })).to.equal(1);
    expect(await valueOf(metrics.breakerEvents, { event: 'close' })).to.equal(1);
  });

  it('times out a call a little above the SNS call timeout, aborts it, and counts it as a failure', async () => {
    const { run, metrics } = setUp({ timeoutMs: 1 });
    const pending = run('hang').catch((e: unknown) => e);
    await clock.tickAsync(350);
    const err = await pending;
    expect(err).to.be.instanceOf(PublishError).and.include({ reason: 'timeout', errorName: 'BreakerTimeout', retryable: true });
    expect(await valueOf(metrics.breakerEvents, { event: 'timeout' })).to.equal(1);
  });

  it('does not count a call the caller aborted', async () => {
    const { subject, run } = setUp({ volumeThreshold: 1 });
    const controller = new AbortController();
    const pending = run('hang', controller.signal).catch((e: unknown) => e);
    controller.abort();
    expect(await pending).to.be.instanceOf(PublishError).and.include({ retryable: true, reason: 'timeout', errorName: 'AbortError' });
    expect(subject.state()).to.equal('closed');
  });

  it('is a pass-through, always closed, when disabled', async () => {
    const { subject, settle, calls } = setUp({ enabled: false, volumeThreshold: 1 });
    for (let i = 0; i < 5; i++) await settle(retryable());
    expect(calls.count).to.equal(5);
    expect(subject.state()).to.equal('closed');
    expect(subject.retryAfterSeconds()).to.equal(0);
  });

  it('fails every call as circuit_open after close()', async () => {
    const { subject, settle } = setUp();
    subject.close();
    expect(await settle('ok')).to.include({ reason: 'circuit_open', errorName: 'BreakerShutdown' });
  });
});
