import { expect } from 'chai';
import sinon from 'sinon';
import { createMemoryLogger } from '../../../src/observability/logger.js';
import { createRetention } from '../../../src/store/create-retention.js';
import type { MessageStore } from '../../../src/store/message-store.js';
import { memoryStore, newMessage, quietLogger } from '../../helpers/store-helpers.js';

const day = 86_400_000;
const t0 = new Date('2025-01-01T00:00:00.000Z');

async function sentAt(store: MessageStore, at: Date): Promise<void> {
  const [m] = (await store.accept([newMessage()], at, 30)).messages;
  await store.claimDue(10, at, 30);
  await store.recordAttempt(m?.id ?? '', { status: 'sent', snsMessageId: 's' }, at);
}

describe('createRetention()', () => {
  it('purges finished messages older than retentionDays at start and then on its interval', async () => {
    const clock = sinon.useFakeTimers({ now: new Date(t0.getTime() + 31 * day), toFake: ['setInterval', 'clearInterval', 'Date'] });
    const store = await memoryStore();
    await sentAt(store, t0);
    await sentAt(store, t0);
    await sentAt(store, new Date(t0.getTime() + 20 * day));
    await store.accept([newMessage()], t0, 30);
    const purge = sinon.spy(store, 'purge');
    const retention = createRetention({ store, retentionDays: 30, logger: quietLogger(), intervalMs: 3_600_000, batchSize: 1 });
    retention.start();
    await retention.run();
    expect(purge.firstCall.args[0].toISOString()).to.equal(new Date(t0.getTime() + day).toISOString());
    expect((await store.list({ limit: 10 })).messages).to.have.length(2);
    await clock.tickAsync(20 * day);
    expect(purge.callCount).to.be.greaterThan(1);
    expect((await store.list({ limit: 10 })).messages.map((m) => m.status)).to.deep.equal(['accepted']);
    await retention.stop();
    await store.close();
  });

  it('logs a failed purge and answers 0', async () => {
    const store = await memoryStore();
    await store.close();
    const { logger, lines } = createMemoryLogger();
    expect(await createRetention({ store, retentionDays: 1, logger }).run()).to.equal(0);
    expect(lines().some((l) => l.message === 'message log purge failed; will retry at the next run')).to.equal(true);
  });
});
