import { expect } from 'chai';
import sinon from 'sinon';
import { createMemoryLogger } from '../../../src/observability/logger.js';
import { createDispatcher, type Dispatcher } from '../../../src/store/create-dispatcher.js';
import type { MessageStore } from '../../../src/store/message-store.js';
import type { DeliveryOutcome } from '../../../src/publish/publisher.js';
import {
  createFakeDelivery,
  dispatcherConfig,
  memoryStore,
  newMessage,
  quietLogger,
  retryable,
  testMetrics,
} from '../../helpers/store-helpers.js';

const sent = (m: { id: string }): DeliveryOutcome => ({ status: 'sent', snsMessageId: `sns-${m.id}` });

describe('createDispatcher()', () => {
  let clock: sinon.SinonFakeTimers;
  let store: MessageStore;
  let fake: ReturnType<typeof createFakeDelivery>;
  const running: Dispatcher[] = [];

  beforeEach(async () => {
    clock = sinon.useFakeTimers({
      now: Date.parse('2025-01-01T00:00:00.000Z'),
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    });
    store = await memoryStore();
    fake = createFakeDelivery();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((d) => d.stop()));
    await store.close();
  });

  const start = (options: { store?: MessageStore; logger?: ReturnType<typeof quietLogger> } & Parameters<typeof dispatcherConfig>[0] = {}) => {
    const { store: s = store, logger = quietLogger(), ...config } = options;
    const d = createDispatcher({ store: s, delivery: fake.delivery, config: dispatcherConfig(config), metrics: testMetrics(), logger, random: () => 0.5 });
    running.push(d);
    d.start();
    return d;
  };
  const accept = async (): Promise<string> => (await store.accept([newMessage()], new Date(), 30)).messages[0]?.id ?? '';
  const deaf: () => MessageStore = () => ({ ...store, onWake: () => () => undefined });

  it('polls every pollIntervalMs when nothing wakes it', async () => {
    start({ store: deaf(), pollIntervalMs: 1000 });
    await clock.tickAsync(0);
    await accept();
    await clock.tickAsync(999);
    expect(fake.calls()).to.equal(0);
    await clock.tickAsync(1);
    expect(fake.sent).to.have.length(1);
  });

  it('wakes at the next retry time when it comes before the poll', async () => {
    fake.behave((m, call) => (call === 1 ? retryable() : sent(m)));
    start({ pollIntervalMs: 60_000, backoffBaseMs: 1000 });
    const id = await accept();
    await clock.tickAsync(499);
    expect(fake.calls()).to.equal(1);
    await clock.tickAsync(1);
    // The SQLite store commits writes in groups on the next turn of the (real) event loop: claim, then outcome.
    for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(await store.get(id)).to.deep.include({ status: 'sent', attempts: 2 });
  });

  it('logs a store error and tries again with a growing wait, without dying', async () => {
    const { logger, lines } = createMemoryLogger('debug');
    const claimDue = sinon.stub().rejects(new Error('Connection terminated unexpectedly'));
    claimDue.onCall(2).callsFake((...args: Parameters<MessageStore['claimDue']>) => store.claimDue(...args));
    await accept();
    start({ store: { ...store, claimDue }, logger, pollIntervalMs: 1000 });
    await clock.tickAsync(1000);
    expect(claimDue.callCount).to.equal(2);
    await clock.tickAsync(1999);
    expect(fake.calls()).to.equal(0);
    await clock.tickAsync(1);
    expect(fake.sent).to.have.length(1);
    const errors = lines().filter((l) => l.message === 'dispatcher could not claim messages; retrying');
    expect(errors.map((l) => l.retryInMs)).to.deep.equal([1000, 2000]);
  });

  it('stop() waits for the publishes in flight and records them', async () => {
    let release: () => void = () => undefined;
    fake.behave((m) => new Promise((resolve) => (release = () => resolve(sent(m)))));
    const d = start();
    const id = await accept();
    await clock.tickAsync(0);
    let stopped = false;
    const stopping = d.stop().then(() => (stopped = true));
    await clock.tickAsync(100);
    expect(stopped).to.equal(false);
    release();
    await stopping;
    expect((await store.get(id))?.status).to.equal('sent');
  });

  it('defers, without an attempt, messages claimed while it was stopping', async () => {
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const id = await accept();
    const d = start({ store: { ...store, claimDue: async (...args) => (await gate, store.claimDue(...args)) } });
    const stopping = d.stop();
    open();
    await stopping;
    expect(fake.calls()).to.equal(0);
    expect(await store.get(id)).to.deep.include({ status: 'retrying', attempts: 0 });
  });

  it('claims nothing after stop(), whatever wakes the store', async () => {
    const d = start();
    await d.stop();
    await accept();
    d.wake();
    await clock.tickAsync(5000);
    expect(fake.calls()).to.equal(0);
  });

  it('sends one probe at a time while the breaker is half-open', async () => {
    let inFlight = 0;
    let peak = 0;
    fake.breaker('half_open');
    fake.behave(async (m) => {
      peak = Math.max(peak, (inFlight += 1));
      await Promise.resolve();
      inFlight -= 1;
      return sent(m);
    });
    for (let i = 0; i < 3; i += 1) await accept();
    await createDispatcher({ store, delivery: fake.delivery, config: dispatcherConfig(), metrics: testMetrics(), logger: quietLogger() }).drain();
    expect(fake.sent).to.have.length(3);
    expect(peak).to.equal(1);
  });

  it('counts a Delivery that throws as a retryable failure, not a message stranded until its lease ends', async () => {
    fake.behave(() => {
      throw new TypeError('bug in delivery');
    });
    const id = await accept();
    await createDispatcher({ store, delivery: fake.delivery, config: dispatcherConfig(), metrics: testMetrics(), logger: quietLogger() }).drain();
    expect(await store.get(id)).to.deep.include({ status: 'retrying', attempts: 1, errorCode: 'TypeError' });
  });

  it('writes an outcome again when the store refuses it once', async () => {
    const recordAttempt = sinon.stub().callsFake((...args: Parameters<MessageStore['recordAttempt']>) => store.recordAttempt(...args));
    recordAttempt.onFirstCall().rejects(new Error('database is locked'));
    const id = await accept();
    const d = createDispatcher({ store: { ...store, recordAttempt }, delivery: fake.delivery, config: dispatcherConfig(), metrics: testMetrics(), logger: quietLogger() });
    const draining = d.drain();
    await clock.tickAsync(1000);
    await draining;
    expect(recordAttempt.callCount).to.equal(2);
    expect((await store.get(id))?.status).to.equal('sent');
  });
});
