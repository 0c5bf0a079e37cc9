import { expect } from 'chai';
import type { Config } from '../../../src/config/config.js';
import { createMemoryLogger } from '../../../src/observability/logger.js';
import { createDelivery } from '../../../src/publish/create-delivery.js';
import { createDryRunPublisher } from '../../../src/publish/dry-run-publisher.js';
import type { BatchEntryResult, BatchPublisher, OutboundMessage, Publisher } from '../../../src/publish/publisher.js';
import { PublishError } from '../../../src/publish/publisher.js';
import { freshMetrics, observations, phoneMessage, publisherConfig, topicMessage, valueOf } from './publish-kit.js';

const arn = 'arn:aws:sns:us-east-1:123456789012:alerts';
const serverError = () => new PublishError('InternalError', { retryable: true, reason: 'server', errorName: 'InternalErrorException' });
const badNumber = () => new PublishError('Invalid parameter: PhoneNumber', { retryable: false, reason: 'client', errorName: 'InvalidParameterException' });

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** A scripted publisher: each publish takes the next planned outcome (default: success). */
function scripted(plan: (PublishError | 'ok')[] = [], optedOut: string[] = []) {
  const calls = { publish: 0, batch: 0, optOut: 0 };
  const publisher: BatchPublisher = {
    name: 'sns',
    publish() {
      calls.publish++;
      const next = plan.shift() ?? 'ok';
      return next === 'ok' ? Promise.resolve({ messageId: `sns-${calls.publish}` }) : Promise.reject(next);
    },
    publishBatch(messages: readonly OutboundMessage[]) {
      calls.batch++;
      const next = plan.shift() ?? 'ok';
      if (next !== 'ok') return Promise.reject(next);
      return Promise.resolve(
        messages.map((m, i): BatchEntryResult => (m.text === 'fail' ? { ok: false, error: badNumber() } : { ok: true, messageId: `b-${i}` })),
      );
    },
    isOptedOut(phone: string) {
      calls.optOut++;
      return Promise.resolve(optedOut.includes(phone));
    },
  };
  return { publisher, calls };
}

function setUp(publisher: Publisher | BatchPublisher, overrides: DeepPartial<Config['publisher']> = {}) {
  const metrics = freshMetrics();
  const { logger, lines } = createMemoryLogger('info');
  const config = publisherConfig({ rateLimit: { messagesPerSecond: 0 }, ...overrides });
  const delivery = createDelivery({ publisher, config, metrics, logger });
  return { delivery, metrics, lines };
}

describe('createDelivery', () => {
  it('sends and counts a success with its duration', async () => {
    const { publisher } = scripted();
    const { delivery, metrics } = setUp(publisher);
    expect(await delivery.send(phoneMessage())).to.deep.equal({ status: 'sent', snsMessageId: 'sns-1' });
    expect(await valueOf(metrics.publishes, { outcome: 'success', error: 'none' })).to.equal(1);
    expect(await observations(metrics.publishDuration, { outcome: 'success' })).to.equal(1);
    delivery.close();
  });

  it('answers failed, never throws, counts and logs a permanent error with the number masked', async () => {
    const { publisher } = scripted([badNumber()]);
    const { delivery, metrics, lines } = setUp(publisher);
    const outcome = await delivery.send(phoneMessage());
    expect(outcome.status).to.equal('failed');
    expect(outcome.status === 'failed' && outcome.error.reason).to.equal('client');
    expect(await valueOf(metrics.publishes, { outcome: 'permanent', error: 'InvalidParameterException' })).to.equal(1);
    expect(lines().find((l) => l.level === 'warn')).to.include({ recipient: '+1206***0100', reason: 'client', retryable: false });
    delivery.close();
  });

  it('records an opted-out recipient as opted_out and does not publish', async () => {
    const { publisher, calls } = scripted([], ['+12065550100']);
    const { delivery } = setUp(publisher, { optOut: { enabled: true } });
    expect(await delivery.send(phoneMessage())).to.deep.equal({ status: 'opted_out' });
    expect(calls.publish).to.equal(0);
    delivery.close();
  });

  it('does not look up opt-out for topics, nor when opt-out is disabled', async () => {
    const { publisher, calls } = scripted([], ['+12065550100']);
    const enabled = setUp(publisher, { optOut: { enabled: true } });
    expect((await enabled.delivery.send(topicMessage(arn))).status).to.equal('sent');
    const disabled = setUp(publisher);
    expect((await disabled.delivery.send(phoneMessage())).status).to.equal('sent');
    expect(calls.optOut).to.equal(0);
    enabled.delivery.close();
    disabled.delivery.close();
  });

  it('fails fast while the breaker is open, skipping the opt-out lookup and the publish counters', async () => {
    const { publisher, calls } = scripted([serverError(), serverError()]);
    const { delivery, metrics } = setUp(publisher, {
      optOut: { enabled: true },
      breaker: { volumeThreshold: 2, resetTimeoutMs: 60_000 },
    });
    await delivery.send(topicMessage(arn));
    await delivery.send(topicMessage(arn));
    expect(delivery.state()).to.equal('open');
    const outcome = await delivery.send(phoneMessage());
    expect(outcome.status === 'failed' && outcome.error.reason).to.equal('circuit_open');
    expect(calls).to.deep.equal({ publish: 2, batch: 0, optOut: 0 });
    expect(delivery.retryAfterSeconds()).to.be.within(59, 60);
    expect(await valueOf(metrics.publishes, { outcome: 'retryable', error: 'InternalErrorException' })).to.equal(2);
    expect(await valueOf(metrics.publishes, { outcome: 'retryable', error: 'CircuitOpen' })).to.equal(0);
    delivery.close();
  });

  it('answers a retryable failure when the caller gives up while waiting for the rate limiter', async () => {
    const { publisher, calls } = scripted();
    const { delivery } = setUp(publisher, { rateLimit: { messagesPerSecond: 1, burst: 1 } });
    await delivery.send(phoneMessage());
    const outcome = await delivery.send(phoneMessage(), AbortSignal.timeout(20));
    expect(outcome.status === 'failed' && [outcome.error.retryable, outcome.error.errorName]).to.deep.equal([true, 'AbortError']);
    expect(calls.publish).to.equal(1);
    delivery.close();
  });

  it('sends a batch in one call with one outcome per entry, in order', async () => {
    const { publisher, calls } = scripted();
    const { delivery, metrics } = setUp(publisher);
    const outcomes = await delivery.sendBatch([topicMessage(arn), topicMessage(arn, { text: 'fail' }), topicMessage(arn)]);
    expect(outcomes.map((o) => o.status)).to.deep.equal(['sent', 'failed', 'sent']);
    expect(calls.batch).to.equal(1);
    expect(await valueOf(metrics.publishes, { outcome: 'success', error: 'none' })).to.equal(2);
    expect(await valueOf(metrics.publishes, { outcome: 'permanent', error: 'InvalidParameterException' })).to.equal(1);
    delivery.close();
  });

  it('fails every entry of a batch whose call failed', async () => {
    const { publisher } = scripted([serverError()]);
    const { delivery } = setUp(publisher);
    const outcomes = await delivery.sendBatch([topicMessage(arn), topicMessage(arn)]);
    expect(outcomes.map((o) => o.status === 'failed' && o.error.reason)).to.deep.equal(['server', 'server']);
    delivery.close();
  });

  it('refuses a batch of more than 10 or to several topics (a programming error)', async () => {
    const { delivery } = setUp(scripted().publisher);
    const eleven = Array.from({ length: 11 }, () => topicMessage(arn));
    expect(await delivery.sendBatch(eleven).catch((e: unknown) => e)).to.be.instanceOf(RangeError);
    expect(await delivery.sendBatch([topicMessage(arn), phoneMessage()]).catch((e: unknown) => e)).to.be.instanceOf(RangeError);
    delivery.close();
  });

  it('sends a batch one by one through a publisher without publishBatch', async () => {
    const { publisher, calls } = scripted();
    const plain: Publisher = {
      name: 'sns',
      publish: (m, s) => publisher.publish(m, s),
      isOptedOut: (p, s) => publisher.isOptedOut(p, s),
    };
    const { delivery } = setUp(plain);
    const outcomes = await delivery.sendBatch([topicMessage(arn), topicMessage(arn)]);
    expect(outcomes.map((o) => o.status)).to.deep.equal(['sent', 'sent']);
    expect(calls.publish).to.equal(2);
    delivery.close();
  });

  it('works the same around the dry-run publisher', async () => {
    const publisher = createDryRunPublisher({ logger: createMemoryLogger('error').logger });
    const { delivery } = setUp(publisher, { optOut: { enabled: true } });
    const outcome = await delivery.send(phoneMessage());
    expect(outcome.status === 'sent' && outcome.snsMessageId).to.match(/^dry-run-/);
    expect(publisher.records()).to.have.length(1);
    delivery.close();
  });
});
