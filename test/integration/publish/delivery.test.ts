import { expect } from 'chai';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Config } from '../../../src/config/config.js';
import { createMemoryLogger } from '../../../src/observability/logger.js';
import { createDelivery } from '../../../src/publish/create-delivery.js';
import { createSnsPublisher } from '../../../src/publish/sns-publisher.js';
import type { Delivery } from '../../../src/publish/publisher.js';
import type { FakeSns } from '../../helpers/fake-sns-server.js';
import { startFakeSns } from '../../helpers/fake-sns-server.js';
import { freshMetrics, observations, phoneMessage, publisherConfig, snsClientFor, valueOf } from '../../unit/publish/publish-kit.js';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createDelivery around the SNS publisher, against an SNS-compatible server', () => {
  let fake: FakeSns;
  let client: SNSClient;
  const deliveries: Delivery[] = [];
  before(async () => {
    fake = await startFakeSns({ port: 0 });
    // One attempt per call: these tests are about the breaker and limiter, not SDK retries.
    client = snsClientFor(fake.url, { maxAttempts: 1 });
  });
  afterEach(() => {
    fake.reset();
    for (const d of deliveries.splice(0)) d.close();
  });
  after(async () => {
    client.destroy();
    await fake.close();
  });

  function setUp(overrides: DeepPartial<Config['publisher']> = {}) {
    const metrics = freshMetrics();
    const { logger, lines } = createMemoryLogger('info');
    const config = publisherConfig({ kind: 'sns', rateLimit: { messagesPerSecond: 0 }, ...overrides });
    const publisher = createSnsPublisher({ client, callTimeoutMs: config.sns.callTimeoutMs });
    const delivery = createDelivery({ publisher, config, metrics, logger });
    deliveries.push(delivery);
    return { delivery, metrics, lines };
  }

  describe('circuit breaker', () => {
    const breaker = { volumeThreshold: 4, errorThresholdPercentage: 50, resetTimeoutMs: 250, rollingWindowMs: 10_000 };

    it('stays closed after one failure (volume threshold) and ignores permanent errors', async () => {
      const { delivery } = setUp({ breaker });
      fake.setFault({ kind: 'error', code: 'InternalError' }, { times: 1 });
      expect((await delivery.send(phoneMessage())).status).to.equal('failed');
      fake.setFault({ kind: 'error', code: 'InvalidParameter' });
      for (let i = 0; i < 6; i++) {
        const outcome = await delivery.send(phoneMessage());
        expect(outcome.status === 'failed' && outcome.error.reason).to.equal('client');
      }
      expect(delivery.state()).to.equal('closed');
      expect(fake.requestCount('Publish')).to.equal(7);
    });

    it('opens on the failure rate, fails fast without calling SNS, half-opens and closes when SNS recovers', async () => {
      const { delivery, metrics, lines } = setUp({ breaker });
      fake.setFault({ kind: 'outage' });
      for (let i = 0; i < 4; i++) {
        const outcome = await delivery.send(phoneMessage());
        expect(outcome.status === 'failed' && outcome.error.reason).to.equal('network');
      }
      expect(delivery.state()).to.equal('open');
      expect(await valueOf(metrics.breakerState)).to.equal(2);

      const seen = fake.requestCount();
      const rejected = await delivery.send(phoneMessage());
      expect(rejected.status === 'failed' && rejected.error).to.include({ reason: 'circuit_open', retryable: true, retryAfterSeconds: 1 });
      expect(fake.requestCount()).to.equal(seen);

      await sleep(300);
      expect(delivery.state()).to.equal('half_open');
      fake.clearFaults();
      expect((await delivery.send(phoneMessage())).status).to.equal('sent');
      expect(delivery.state()).to.equal('closed');
      expect(await valueOf(metrics.breakerState)).to.equal(0);
      expect(lines().filter((l) => String(l.message).startsWith('SNS circuit breaker')).map((l) => l.level)).to.deep.equal([
        'warn',
        'info',
        'info',
      ]);
    });
  });

  it('holds the outbound rate: N messages at R/s take about N/R seconds', async () => {
    const { delivery, metrics } = setUp({ rateLimit: { messagesPerSecond: 50, burst: 1 } });
    const started = performance.now();
    const outcomes = await Promise.all(Array.from({ length: 26 }, (_, i) => delivery.send(phoneMessage({ id: `m${i}` }))));
    const seconds = (performance.now() - started) / 1000;
    expect(outcomes.every((o) => o.status === 'sent')).to.equal(true);
    // 1 at once, then 25 at 20 ms intervals: 0.5 s; loose bounds, this is a behaviour check.
    expect(seconds).to.be.within(0.45, 1.5);
    const gaps = fake.published.slice(1).map((p, i) => p.at - (fake.published[i]?.at ?? 0));
    expect(Math.min(...gaps)).to.be.at.least(5);
    expect(await observations(metrics.rateLimiterWait)).to.equal(26);
  });

  it('honours opt-out and asks SNS once for two sends to the same number', async () => {
    fake.setOptedOut(['+12065550100']);
    const { delivery, metrics } = setUp({ optOut: { enabled: true } });
    expect(await delivery.send(phoneMessage())).to.deep.equal({ status: 'opted_out' });
    expect(await delivery.send(phoneMessage({ id: 'again' }))).to.deep.equal({ status: 'opted_out' });
    expect((await delivery.send(phoneMessage({ target: { kind: 'phone', phoneNumber: '+12065550111' } }))).status).to.equal('sent');
    expect(fake.requestCount('CheckIfPhoneNumberIsOptedOut')).to.equal(2);
    expect(fake.published.map((p) => p.phoneNumber)).to.deep.equal(['+12065550111']);
    expect(await valueOf(metrics.optOutChecks, { result: 'opted_out' })).to.equal(1);
    expect(await valueOf(metrics.optOutChecks, { result: 'cached_opted_out' })).to.equal(1);
  });

  it('sends anyway when the opt-out lookup fails', async () => {
    fake.setFault({ kind: 'error', code: 'Throttled' }, { actions: ['CheckIfPhoneNumberIsOptedOut'] });
    const { delivery, metrics } = setUp({ optOut: { enabled: true } });
    expect((await delivery.send(phoneMessage())).status).to.equal('sent');
    expect(await valueOf(metrics.optOutChecks, { result: 'error' })).to.equal(1);
  });

  it('moves the publish metrics: outcomes by error name and durations', async () => {
    const { delivery, metrics } = setUp();
    await delivery.send(phoneMessage());
    fake.setFault({ kind: 'error', code: 'AuthorizationError' }, { times: 1 });
    await delivery.send(phoneMessage());
    fake.setFault({ kind: 'error', code: 'InternalError' }, { times: 1 });
    await delivery.send(phoneMessage());
    expect(await valueOf(metrics.publishes, { outcome: 'success', error: 'none' })).to.equal(1);
    expect(await valueOf(metrics.publishes, { outcome: 'permanent', error: 'AuthorizationErrorException' })).to.equal(1);
    expect(await valueOf(metrics.publishes, { outcome: 'retryable', error: 'InternalErrorException' })).to.equal(1);
    for (const outcome of ['success', 'permanent', 'retryable']) {
      expect(await observations(metrics.publishDuration, { outcome })).to.equal(1);
    }
  });
});
