import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { createMemoryLogger } from '../../../src/observability/logger.js';
import { createSqliteStore } from '../../../src/store/sqlite/create-sqlite-store.js';
import type { MessageStore } from '../../../src/store/message-store.js';
import { newMessage, sqliteBackend } from '../../helpers/store-helpers.js';
import { dispatcherContract } from './dispatcher-contract.js';
import { messageStoreContract } from './message-store-contract.js';

describe('SQLite message store', () => {
  messageStoreContract(sqliteBackend());
});

describe('dispatcher on SQLite', () => {
  dispatcherContract(sqliteBackend());
});

describe('SQLite message store: the database file removed or replaced under the running process', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'snsgate-sqlite-moved-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function openStore(): Promise<{ store: MessageStore; lines: () => Record<string, unknown>[]; path: string }> {
    const path = join(dir, 'snsgate.db');
    const { logger, lines } = createMemoryLogger('info');
    const store = createSqliteStore(`sqlite:${path}`, { logger });
    await store.migrate();
    return { store, lines, path };
  }

  const t0 = new Date('2025-01-01T00:00:00.000Z');

  it('refuses new messages and readiness once the file is deleted, logs it once, and still delivers what it had accepted', async () => {
    const { store, lines, path } = await openStore();
    const before = await store.accept([newMessage()], t0, 30);
    expect(before.kind).to.equal('created');
    await store.ping();

    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });

    for (let i = 0; i < 2; i++) {
      await expectRejection(store.accept([newMessage()], t0, 30), /snsgate\.db was removed while snsgate runs; restart it/);
    }
    await expectRejection(store.ping(), /was removed/);
    expect(lines().filter((l) => l.message === 'message log file gone; refusing new messages until a restart')).to.have.length(1);

    // What was accepted before is still claimed and recorded from the open file.
    const claimed = await store.claimDue(10, t0, 30);
    expect(claimed.map((m) => m.id)).to.deep.equal(before.messages.map((m) => m.id));
    const recorded = await store.recordAttempt(claimed[0]!.id, { status: 'sent', snsMessageId: 'sns-1' }, t0);
    expect(recorded?.status).to.equal('sent');
    await store.close();
  });

  it('refuses new messages once another file is moved over the path', async () => {
    const { store, path } = await openStore();
    writeFileSync(join(dir, 'other.db'), '');
    renameSync(join(dir, 'other.db'), path);
    await expectRejection(store.accept([newMessage()], t0, 30), /snsgate\.db was replaced while snsgate runs/);
    await store.close();
  });

  it('keeps accepting while the file stays where it was opened', async () => {
    const { store } = await openStore();
    for (let i = 0; i < 3; i++) expect((await store.accept([newMessage()], t0, 30)).kind).to.equal('created');
    await store.ping();
    await store.close();
  });
});

async function expectRejection(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await promise;
  } catch (err) {
    expect(err).to.be.instanceOf(Error);
    expect((err as Error).message).to.match(pattern);
    return;
  }
  expect.fail(`expected a rejection matching ${String(pattern)}`);
}
