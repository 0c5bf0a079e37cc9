import { expect } from 'chai';
import type { Config } from '../../../src/config/config.js';
import type { Metrics } from '../../../src/observability/metrics.js';
import { createDispatcher, type Dispatcher } from '../../../src/store/create-dispatcher.js';
import type { MessageStore } from '../../../src/store/message-store.js';
import {
  circuitOpen,
  createClock,
  createFakeDelivery,
  dispatcherConfig,
  newMessage,
  permanent,
  quietLogger,
  retryable,
  testMetrics,
  type StoreBackend,
} from '../../helpers/store-helpers.js';

async function counterValue(metrics: Metrics, name: 'messages' | 'dispatchAttempts', labels: Record<string, string>): Promise<number> {
  const { values } = await metrics[name].get();
  const matches = (have: Record<string, string | number | undefined>): boolean => Object.entries(labels).every(([k, l]) => have[k] === l);
  return values.find((v) => matches(v.labels))?.value ?? 0;
}

/** The dispatcher against one store backend, with a fake Delivery and a hand-moved clock. */
export function dispatcherContract(backend: StoreBackend): void {
  let store: MessageStore;
  let clock: ReturnType<typeof createClock>;
  let fake: ReturnType<typeof createFakeDelivery>;
  let metrics: Metrics;
  const started: Dispatcher[] = [];

  before(() => backend.setup());
  after(() => backend.teardown());
  beforeEach(async () => {
    store = await backend.open();
    clock = createClock();
    fake = createFakeDelivery();
    metrics = testMetrics();
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((d) => d.stop()));
    await store.close();
  });

  const dispatcher = (config: Partial<Config['dispatcher']> = {}): Dispatcher =>
    createDispatcher({
      store,
      delivery: fake.delivery,
      config: dispatcherConfig(config),
      metrics,
      logger: quietLogger(),
      now: clock.now,
      random: () => 0.5,
    });
  const accept = async (overrides: Parameters<typeof newMessage>[0] = {}): Promise<string> =>
    (await store.accept([newMessage(overrides)], clock.now(), 30)).messages[0]?.id ?? '';

  it('sends a webhook repeated three times once, as the stored text', async () => {
    for (let i = 0; i < 3; i += 1) await accept({ idempotencyKey: 'evt_1' });
    await dispatcher().drain();
    expect(fake.sent).to.have.length(1);
    expect(fake.sent[0]?.text).to.equal('Your order shipped.\nhttps://example.com/p.jpg');
    const [row] = await store.findByIdempotencyKey('mms', 'evt_1');
    expect(row).to.deep.include({ status: 'sent', attempts: 1, snsMessageId: `sns-${row?.id ?? ''}` });
    expect(await counterValue(metrics, 'messages', { template: 'mms', status: 'sent' })).to.equal(1);
    expect(await counterValue(metrics, 'dispatchAttempts', { outcome: 'sent' })).to.equal(1);
  });

  it('retries a retryable failure with growing backoff and ends sent when SNS recovers', async () => {
    fake.behave((m, call) => (call <= 2 ? retryable() : { status: 'sent', snsMessageId: `sns-${m.id}` }));
    const id = await accept();
    const d = dispatcher({ backoffBaseMs: 1000 });
    await d.drain();
    let row = await store.get(id);
    expect(row).to.deep.include({ status: 'retrying', attempts: 1, errorCode: 'ThrottledException' });
    expect(row?.nextAttemptAt?.getTime()).to.equal(clock.now().getTime() + 500);
    clock.advance(499);
    await d.drain();
    expect(fake.calls()).to.equal(1);
    clock.advance(1);
    await d.drain();
    row = await store.get(id);
    expect(row).to.deep.include({ status: 'retrying', attempts: 2 });
    expect(row?.nextAttemptAt?.getTime()).to.equal(clock.now().getTime() + 1000);
    clock.advance(1000);
    await d.drain();
    expect(await store.get(id)).to.deep.include({ status: 'sent', attempts: 3 });
    expect(await counterValue(metrics, 'messages', { template: 'mms', status: 'retrying' })).to.equal(2);
  });

  it("honours the error's Retry-After as the least wait", async () => {
    fake.behave(() => retryable('ThrottledException', 120));
    const id = await accept();
    await dispatcher().drain();
    expect((await store.get(id))?.nextAttemptAt?.getTime()).to.equal(clock.now().getTime() + 120_000);
  });

  it('fails a permanent error at once, with the error name and message', async () => {
    fake.behave(() => permanent());
    const id = await accept();
    await dispatcher().drain();
    expect(await store.get(id)).to.deep.include({
      status: 'failed',
      attempts: 1,
      errorCode: 'InvalidParameterException',
      errorMessage: 'Invalid parameter: PhoneNumber',
    });
    expect(await counterValue(metrics, 'dispatchAttempts', { outcome: 'failed' })).to.equal(1);
  });

  it('gives up as dead after maxAttempts, and a requeued message is sent once SNS recovers', async () => {
    fake.behave(() => retryable());
    const id = await accept();
    const d = dispatcher({ maxAttempts: 3 });
    for (let i = 0; i < 3; i += 1) {
      await d.drain();
      clock.advance(60_000);
    }
    expect(await store.get(id)).to.deep.include({ status: 'dead', attempts: 3 });
    fake.behave((m) => ({ status: 'sent', snsMessageId: `sns-${m.id}` }));
    await d.drain();
    expect(fake.sent).to.have.length(0);
    expect(await store.requeue(id, clock.now())).to.deep.include({ status: 'retrying', attempts: 3 });
    await d.drain();
    expect(await store.get(id)).to.deep.include({ status: 'sent', attempts: 4 });
  });

  it('gives up as dead when the next try would fall past maxAgeSeconds', async () => {
    fake.behave(() => retryable());
    const id = await accept();
    clock.advance(3599_800);
    await dispatcher({ maxAgeSeconds: 3600 }).drain();
    expect(await store.get(id)).to.deep.include({ status: 'dead', attempts: 1 });
  });

  it('reclaims a message whose sync publisher died mid-publish, once its lease expires', async () => {
    const id = await accept({ delivery: 'sync' });
    const d = dispatcher();
    await d.drain();
    expect(fake.calls()).to.equal(0);
    clock.advance(31_000);
    await d.drain();
    expect(await store.get(id)).to.deep.include({ status: 'sent', attempts: 1 });
  });

  it('defers without counting an attempt when the breaker refuses, and claims nothing until it may', async () => {
    fake.behave(() => circuitOpen());
    fake.breaker('closed', 20);
    const first = await accept();
    const d = dispatcher();
    await d.drain();
    const row = await store.get(first);
    expect(row).to.deep.include({ status: 'retrying', attempts: 0 });
    expect(row?.nextAttemptAt?.getTime()).to.equal(clock.now().getTime() + 20_000);
    fake.behave((m) => ({ status: 'sent', snsMessageId: `sns-${m.id}` }));
    const second = await accept();
    clock.advance(10_000);
    await d.drain();
    expect(fake.calls()).to.equal(1);
    clock.advance(10_000);
    await d.drain();
    expect((await store.get(first))?.status).to.equal('sent');
    expect((await store.get(second))?.status).to.equal('sent');
    expect(await counterValue(metrics, 'dispatchAttempts', { outcome: 'deferred' })).to.equal(1);
  });

  it('does not claim at all while the breaker is open', async () => {
    fake.breaker('open', 30);
    const id = await accept();
    await dispatcher().drain();
    expect(await store.get(id)).to.deep.include({ status: 'accepted' });
    fake.breaker('closed');
    await dispatcher().drain();
    expect((await store.get(id))?.status).to.equal('sent');
  });

  it('sends to one topic in batches of at most ten, and phone messages one by one', async () => {
    const target = { kind: 'topic', topicArn: 'arn:aws:sns:us-east-1:1:alerts' } as const;
    for (let i = 0; i < 12; i += 1) await accept({ target });
    await accept();
    await accept();
    await dispatcher({ batchSize: 64, concurrency: 64 }).drain();
    expect(fake.batches).to.deep.equal([10, 2]);
    expect(fake.sent).to.have.length(14);
  });

  it('keeps at most `concurrency` publishes in flight and claims only free slots', async () => {
    let inFlight = 0;
    let peak = 0;
    let peakPublishing = 0;
    fake.behave(async (m) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      peakPublishing = Math.max(peakPublishing, (await store.depth(clock.now())).byStatus.publishing);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight -= 1;
      return { status: 'sent', snsMessageId: `sns-${m.id}` };
    });
    for (let i = 0; i < 10; i += 1) await accept();
    await dispatcher({ concurrency: 3, batchSize: 100 }).drain();
    expect(fake.sent).to.have.length(10);
    expect(peak).to.equal(3);
    expect(peakPublishing).to.be.at.most(3);
  });

  it('wakes on accept instead of waiting for the poll', async () => {
    const d = dispatcher({ pollIntervalMs: 60_000 });
    started.push(d);
    d.start();
    const sent = new Promise<void>((resolve) => {
      fake.behave((m) => {
        resolve();
        return { status: 'sent', snsMessageId: `sns-${m.id}` };
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await accept();
    await sent;
    await d.stop();
    expect(fake.sent).to.have.length(1);
  });
}
