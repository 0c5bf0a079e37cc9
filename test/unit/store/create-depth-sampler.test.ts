import { expect } from 'chai';
import sinon from 'sinon';
import { createMemoryLogger } from '../../../src/observability/logger.js';
import { createDepthSampler } from '../../../src/store/create-depth-sampler.js';
import { memoryStore, newMessage, testMetrics } from '../../helpers/store-helpers.js';

describe('createDepthSampler()', () => {
  const t0 = new Date('2025-01-01T00:00:00.000Z');

  it('sets the depth by status and the oldest due age, on demand and on its timer', async () => {
    const clock = sinon.useFakeTimers({ now: t0, toFake: ['setInterval', 'clearInterval', 'Date'] });
    const store = await memoryStore();
    const metrics = testMetrics();
    const { logger } = createMemoryLogger();
    const sampler = createDepthSampler({ store, metrics, logger, intervalMs: 5000 });
    await store.accept([newMessage(), newMessage({ delivery: 'sync' })], t0, 30);
    clock.tick(42_000);
    await sampler.sample();
    const depth = async (status: string) => (await metrics.logDepth.get()).values.find((v) => v.labels.status === status)?.value;
    expect(await depth('accepted')).to.equal(1);
    expect(await depth('publishing')).to.equal(1);
    expect(await depth('sent')).to.equal(0);
    expect((await metrics.oldestDueAge.get()).values[0]?.value).to.equal(42);
    sampler.start();
    await store.accept([newMessage()], new Date(), 30);
    await clock.tickAsync(5000);
    expect(await depth('accepted')).to.equal(2);
    sampler.stop();
    await store.close();
  });

  it('logs a failed sample and keeps the last values', async () => {
    const store = await memoryStore();
    const metrics = testMetrics();
    const { logger, lines } = createMemoryLogger();
    metrics.logDepth.set({ status: 'accepted' }, 7);
    await store.close();
    await createDepthSampler({ store, metrics, logger }).sample();
    expect((await metrics.logDepth.get()).values.find((v) => v.labels.status === 'accepted')?.value).to.equal(7);
    expect(lines().some((l) => l.message === 'could not sample the message log depth')).to.equal(true);
  });
});
