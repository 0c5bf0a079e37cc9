import { expect } from 'chai';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { createDispatcher } from '../../../src/store/create-dispatcher.js';
import { createStore } from '../../../src/store/create-store.js';
import { toInsertValues } from '../../../src/store/message-row.js';
import type { MessageStore } from '../../../src/store/message-store.js';
import { listenerApplicationName } from '../../../src/store/postgres/create-postgres-listener.js';
import { insertSql } from '../../../src/store/postgres/postgres-sql.js';
import {
  createFakeDelivery,
  dispatcherConfig,
  newMessage,
  postgresBackend,
  quietLogger,
  testDatabaseUrl,
  testMetrics,
  withSearchPath,
} from '../../helpers/store-helpers.js';
import { dispatcherContract } from './dispatcher-contract.js';
import { messageStoreContract } from './message-store-contract.js';

const skipReason = 'TEST_DATABASE_URL is not set (CI sets it; here: postgres://postgres@127.0.0.1:5432/test)';
const baseUrl = (): string => testDatabaseUrl ?? '';

describe(testDatabaseUrl === undefined ? `PostgreSQL — skipped: ${skipReason}` : 'PostgreSQL', function () {
  before(function () {
    if (testDatabaseUrl !== undefined) return;
    console.log(`    PostgreSQL store tests skipped: ${skipReason}`);
    this.skip();
  });

  describe('message store', () => {
    messageStoreContract(postgresBackend(baseUrl));
  });

  describe('dispatcher', () => {
    dispatcherContract(postgresBackend(baseUrl));
  });

  describe('across replicas', replicaTests);
});

function replicaTests(): void {
  const backend = postgresBackend(baseUrl);
  const stores: MessageStore[] = [];
  const replica = async (): Promise<MessageStore> => {
    const store = backend.another();
    stores.push(store);
    await store.migrate();
    return store;
  };

  before(() => backend.setup());
  after(() => backend.teardown());
  beforeEach(async () => stores.push(await backend.open()));
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });

  it('migrates once when two replicas run migrate() at the same time on an empty schema', async () => {
    const schema = `snsgate_migrate_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: baseUrl() });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    try {
      const url = withSearchPath(baseUrl(), schema);
      const pair = [createStore(url, { logger: quietLogger() }), createStore(url, { logger: quietLogger() })];
      stores.push(...pair);
      await Promise.all(pair.map((s) => s.migrate()));
      await Promise.all(pair.map((s) => s.migrate()));
      const { rows } = await admin.query<{ version: number }>(`SELECT version FROM ${schema}.schema_migrations`);
      expect(rows.map((r) => r.version)).to.deep.equal([1]);
    } finally {
      await Promise.all(stores.splice(0).map((s) => s.close()));
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    }
  });

  it('answers duplicate when another replica commits the same key while our insert waits on it', async () => {
    const store = stores[0] as MessageStore;
    const winner = newMessage({ idempotencyKey: 'race' });
    const client = new pg.Client({ connectionString: backend.url() });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query(insertSql(1), toInsertValues(winner, new Date(), 30));
      // Our accept reads no rows (the winner has not committed) and its insert blocks on the unique index.
      const pending = store.accept([newMessage({ idempotencyKey: 'race' })], new Date(), 30);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await client.query('COMMIT');
      const result = await pending;
      expect(result.kind).to.equal('duplicate');
      expect(result.messages.map((m) => m.id)).to.deep.equal([winner.id]);
    } finally {
      await client.end();
    }
  });

  it('publishes 200 messages exactly once with two dispatchers on one database (FOR UPDATE SKIP LOCKED)', async () => {
    const [a, b] = [stores[0] as MessageStore, await replica()];
    for (let i = 0; i < 20; i += 1) await a.accept(Array.from({ length: 10 }, () => newMessage()), new Date(), 30);
    const slow = (m: { id: string }) =>
      new Promise<{ status: 'sent'; snsMessageId: string }>((resolve) => setImmediate(() => resolve({ status: 'sent', snsMessageId: m.id })));
    const pairs = [
      { store: a, fake: createFakeDelivery(slow) },
      { store: b, fake: createFakeDelivery(slow) },
    ];
    const fakes = pairs.map((p) => p.fake);
    const dispatchers = pairs.map(({ store, fake }) =>
      createDispatcher({
        store,
        delivery: fake.delivery,
        config: dispatcherConfig({ concurrency: 8, batchSize: 8 }),
        metrics: testMetrics(),
        logger: quietLogger(),
      }),
    );
    await Promise.all(dispatchers.map((d) => d.drain()));
    const ids = fakes.flatMap((f) => f.sent.map((m) => m.id));
    expect(ids).to.have.length(200);
    expect(new Set(ids).size).to.equal(200);
    expect(fakes.every((f) => f.sent.length > 0)).to.equal(true);
    expect((await a.depth(new Date())).byStatus.sent).to.equal(200);
  });

  it("wakes another replica's listener through LISTEN/NOTIFY when due messages are accepted", async () => {
    const [a, b] = [stores[0] as MessageStore, await replica()];
    let woken = false;
    b.onWake(() => (woken = true));
    // The listener connects in the background; keep accepting until its LISTEN is in place.
    for (let i = 0; i < 60 && !woken; i += 1) {
      await a.accept([newMessage()], new Date(), 30);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(woken).to.equal(true);
  });

  it('reconnects its LISTEN connection after the database drops it, and wakes on the next accept', async () => {
    const [a, b] = [stores[0] as MessageStore, await replica()];
    let wakes = 0;
    b.onWake(() => (wakes += 1));
    const until = async (done: () => boolean, poke?: () => Promise<unknown>): Promise<void> => {
      for (let i = 0; i < 100 && !done(); i += 1) {
        await poke?.();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(done()).to.equal(true);
    };
    await until(() => wakes > 0, () => a.accept([newMessage()], new Date(), 30));
    await backend.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '${listenerApplicationName}' AND query ILIKE 'LISTEN%'`,
    );
    // The reconnect itself wakes (notifications sent meanwhile are lost), then NOTIFY works again.
    wakes = 0;
    await until(() => wakes > 0);
    wakes = 0;
    await until(() => wakes > 0, () => a.accept([newMessage()], new Date(), 30));
  });
}
