import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { Registry } from 'prom-client';
import type { Config } from '../../src/config/config.js';
import { createLogger, type Logger } from '../../src/observability/logger.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import {
  PublishError,
  type BreakerState,
  type Delivery,
  type DeliveryOutcome,
  type OutboundMessage,
  type PublishTarget,
} from '../../src/publish/publisher.js';
import { createMessageId } from '../../src/store/create-message-id.js';
import { createStore } from '../../src/store/create-store.js';
import type { MessageStore, NewMessage } from '../../src/store/message-store.js';

/** A logger that writes nothing. */
export function quietLogger(): Logger {
  return createLogger({ level: 'error', silent: true });
}

/** Fresh metrics on their own registry. */
export function testMetrics(): Metrics {
  return createMetrics(new Registry(), { version: 'test', defaults: false });
}

/** A clock tests move by hand. */
export function createClock(start = new Date('2025-01-01T00:00:00.000Z')) {
  let ms = start.getTime();
  return {
    now: (): Date => new Date(ms),
    advance(byMs: number): void {
      ms += byMs;
    },
  };
}

const phone: PublishTarget = { kind: 'phone', phoneNumber: '+12065550100' };

/** A message as the pipeline would accept it, with a fresh id. */
export function newMessage(overrides: Partial<NewMessage> = {}): NewMessage {
  return {
    id: createMessageId(),
    template: 'mms',
    source: 'api:default',
    payloadHash: 'hash-1',
    target: phone,
    body: 'Your order shipped.\nhttps://example.com/p.jpg',
    mediaUrl: 'https://example.com/p.jpg',
    encoding: 'GSM-7',
    segments: 1,
    attributes: { smsType: 'Transactional' },
    delivery: 'queued',
    requestId: 'req-1',
    ...overrides,
  };
}

/** Dispatcher settings for tests: small, fast and deterministic. */
export function dispatcherConfig(overrides: Partial<Config['dispatcher']> = {}): Config['dispatcher'] {
  return {
    enabled: true,
    concurrency: 4,
    batchSize: 16,
    leaseSeconds: 30,
    maxAttempts: 5,
    maxAgeSeconds: 3600,
    backoffBaseMs: 1000,
    backoffMaxMs: 60_000,
    pollIntervalMs: 1000,
    ...overrides,
  };
}

export const retryable = (errorName = 'ThrottledException', retryAfterSeconds?: number): DeliveryOutcome => ({
  status: 'failed',
  error: new PublishError('Rate exceeded', { retryable: true, reason: 'throttled', errorName, retryAfterSeconds }),
});
export const permanent = (): DeliveryOutcome => ({
  status: 'failed',
  error: new PublishError('Invalid parameter: PhoneNumber', { retryable: false, reason: 'client', errorName: 'InvalidParameterException' }),
});
export const circuitOpen = (): DeliveryOutcome => ({
  status: 'failed',
  error: new PublishError('Breaker is open', { retryable: true, reason: 'circuit_open', errorName: 'CircuitOpen' }),
});

type Behaviour = (message: OutboundMessage, call: number) => DeliveryOutcome | Promise<DeliveryOutcome>;

/** A Delivery that records what it was asked to send and answers with `behaviour` (sent by default). */
export function createFakeDelivery(initial?: Behaviour) {
  let behaviour: Behaviour = initial ?? ((m) => ({ status: 'sent', snsMessageId: `sns-${m.id}` }));
  let state: BreakerState = 'closed';
  let retryAfterSeconds = 0;
  let calls = 0;
  const sent: OutboundMessage[] = [];
  const batches: number[] = [];
  const answer = async (m: OutboundMessage): Promise<DeliveryOutcome> => {
    calls += 1;
    const outcome = await behaviour(m, calls);
    if (outcome.status === 'sent') sent.push(m);
    return outcome;
  };
  const delivery: Delivery = {
    send: (m) => answer(m),
    async sendBatch(messages) {
      batches.push(messages.length);
      return Promise.all(messages.map(answer));
    },
    state: () => state,
    retryAfterSeconds: () => retryAfterSeconds,
    close: () => undefined,
  };
  return {
    delivery,
    sent,
    batches,
    calls: (): number => calls,
    behave(next: Behaviour): void {
      behaviour = next;
    },
    breaker(next: BreakerState, waitSeconds = 0): void {
      state = next;
      retryAfterSeconds = waitSeconds;
    },
  };
}

/** Where a contract suite runs: opens fresh, migrated, empty stores and reads the raw table. */
export interface StoreBackend {
  readonly name: 'sqlite' | 'postgres';
  /** The database URL stores of this backend open (valid after `setup`). */
  url(): string;
  setup(): Promise<void>;
  teardown(): Promise<void>;
  /** A new store on the shared, migrated, emptied database. */
  open(): Promise<MessageStore>;
  /** Another store on the same database (another replica). */
  another(): MessageStore;
  columns(table: string): Promise<string[]>;
  query(sql: string): Promise<Record<string, unknown>[]>;
}

/** SQLite in a temporary folder that the store creates (a subfolder that does not exist yet). */
export function sqliteBackend(): StoreBackend {
  let dir = '';
  let url = '';
  const raw = (): Database.Database => new Database(join(dir, 'nested', 'log.db'));
  return {
    name: 'sqlite',
    url: () => url,
    setup() {
      dir = mkdtempSync(join(tmpdir(), 'snsgate-store-'));
      url = `sqlite:${join(dir, 'nested', 'log.db')}`;
      return Promise.resolve();
    },
    teardown() {
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
    async open() {
      const store = createStore(url, { logger: quietLogger() });
      await store.migrate();
      const db = raw();
      db.exec('DELETE FROM message_logs');
      db.close();
      return store;
    },
    another: () => createStore(url, { logger: quietLogger() }),
    columns(table) {
      const db = raw();
      const rows = db.prepare(`SELECT name FROM pragma_table_info('${table}')`).all() as { name: string }[];
      db.close();
      return Promise.resolve(rows.map((r) => r.name));
    },
    query(sql) {
      const db = raw();
      const rows = db.prepare(sql).all() as Record<string, unknown>[];
      db.close();
      return Promise.resolve(rows);
    },
  };
}

/** The URL of `base` with `search_path` set to `schema`, so every connection of a run is isolated. */
export function withSearchPath(base: string, schema: string): string {
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

/** PostgreSQL in a schema of its own, created for the run and dropped after it (nothing connects before `setup`). */
export function postgresBackend(baseUrl: () => string): StoreBackend {
  const schema = `snsgate_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  let url = '';
  let admin: pg.Pool | undefined;
  const db = (): pg.Pool => {
    if (admin === undefined) throw new Error('postgresBackend: setup() has not run');
    return admin;
  };
  return {
    name: 'postgres',
    url: () => url,
    async setup() {
      url = withSearchPath(baseUrl(), schema);
      admin = new pg.Pool({ connectionString: url, max: 2 });
      await admin.query(`CREATE SCHEMA ${schema}`);
    },
    async teardown() {
      if (admin === undefined) return;
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
      admin = undefined;
    },
    async open() {
      const store = createStore(url, { logger: quietLogger() });
      await store.migrate();
      await db().query('TRUNCATE message_logs');
      return store;
    },
    another: () => createStore(url, { logger: quietLogger() }),
    async columns(table) {
      const { rows } = await db().query<{ column_name: string }>(
        'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
        [schema, table],
      );
      return rows.map((r) => r.column_name);
    },
    async query(sql) {
      return (await db().query<Record<string, unknown>>(sql)).rows;
    },
  };
}

/** The PostgreSQL URL tests use, or undefined when PostgreSQL tests are to be skipped. */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL === '' ? undefined : process.env.TEST_DATABASE_URL;

/** A migrated in-memory SQLite store. */
export async function memoryStore(logger: Logger = quietLogger()): Promise<MessageStore> {
  const store = createStore('sqlite::memory:', { logger });
  await store.migrate();
  return store;
}
