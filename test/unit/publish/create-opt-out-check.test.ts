import { expect } from 'chai';
import sinon from 'sinon';
import { createMemoryLogger } from '../../../src/observability/logger.js';
import { createOptOutCheck } from '../../../src/publish/create-opt-out-check.js';
import { freshMetrics, valueOf } from './publish-kit.js';

describe('createOptOutCheck', () => {
  function setUp(answer: (phone: string) => Promise<boolean>, ttlSeconds = 60, now?: () => number) {
    const metrics = freshMetrics();
    const { logger, lines } = createMemoryLogger('debug');
    const isOptedOut = sinon.spy(answer);
    const check = createOptOutCheck({
      publisher: { isOptedOut },
      config: { cacheTtlSeconds: ttlSeconds, cacheSize: 100 },
      metrics,
      logger,
      ...(now === undefined ? {} : { now }),
    });
    return { check, isOptedOut, metrics, lines };
  }

  it('asks once and answers the next lookups from the cache', async () => {
    const { check, isOptedOut, metrics } = setUp((p) => Promise.resolve(p === '+12065550100'));
    expect(await check.isOptedOut('+12065550100')).to.equal(true);
    expect(await check.isOptedOut('+12065550100')).to.equal(true);
    expect(await check.isOptedOut('+12065550111')).to.equal(false);
    expect(await check.isOptedOut('+12065550111')).to.equal(false);
    expect(isOptedOut.callCount).to.equal(2);
    expect(await valueOf(metrics.optOutChecks, { result: 'opted_out' })).to.equal(1);
    expect(await valueOf(metrics.optOutChecks, { result: 'cached_opted_out' })).to.equal(1);
    expect(await valueOf(metrics.optOutChecks, { result: 'opted_in' })).to.equal(1);
    expect(await valueOf(metrics.optOutChecks, { result: 'cached_opted_in' })).to.equal(1);
  });

  it('shares one lookup between concurrent checks of the same number', async () => {
    const { check, isOptedOut } = setUp(() => new Promise((resolve) => setTimeout(() => resolve(true), 10)));
    const answers = await Promise.all([1, 2, 3].map(() => check.isOptedOut('+12065550100')));
    expect(answers).to.deep.equal([true, true, true]);
    expect(isOptedOut.callCount).to.equal(1);
  });

  it('asks again once the cached answer has expired', async () => {
    const clock = sinon.useFakeTimers({ now: 1_000_000 });
    const { check, isOptedOut } = setUp(() => Promise.resolve(false), 1, () => clock.now);
    await check.isOptedOut('+12065550100');
    await clock.tickAsync(1001);
    await check.isOptedOut('+12065550100');
    expect(isOptedOut.callCount).to.equal(2);
  });

  it('treats a failed lookup as not opted out, logs it masked, counts it, and does not cache it', async () => {
    const { check, isOptedOut, metrics, lines } = setUp(() => Promise.reject(new Error('Rate exceeded')));
    expect(await check.isOptedOut('+12065550100')).to.equal(false);
    expect(await check.isOptedOut('+12065550100')).to.equal(false);
    expect(isOptedOut.callCount).to.equal(2);
    expect(await valueOf(metrics.optOutChecks, { result: 'error' })).to.equal(2);
    const warn = lines().find((l) => l.level === 'warn');
    expect(warn).to.include({ recipient: '+1206***0100', error: 'Rate exceeded' });
    expect(JSON.stringify(lines())).not.to.include('+12065550100');
  });
});
