import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { messageStatuses, type MessageStatus } from '../../observability/metrics.js';
import type { Logger } from '../../observability/logger.js';
import { toAttemptChange } from '../attempt-change.js';
import { buildListQuery, encodePageCursor } from '../build-list-query.js';
import { classifyRepeat, idempotencyKeysOf } from '../classify-repeat.js';
import { createWakeHub } from '../create-wake-hub.js';
import { byDueTime, toInsertValues, toMessageRecord, type MessageRow } from '../message-row.js';
import type { AcceptResult, MessageRecord, MessageStore, NewMessage } from '../message-store.js';
import { createPostgresListener } from './create-postgres-listener.js';
import { migratePostgres } from './migrate-postgres.js';
import { insertSql, postgresSql, wakeChannel } from './postgres-sql.js';

const { Pool } = pg;

type Queryable = Pick<pg.PoolClient, 'query'>;

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Error && 'code' in err && err.code === '23505';
}

async function rowsOf(db: Queryable, name: keyof typeof postgresSql, values: unknown[]): Promise<MessageRecord[]> {
  const result = await db.query<MessageRow>({ name: `snsgate_${name}`, text: postgresSql[name], values });
  return result.rows.map(toMessageRecord);
}

async function existingFor(db: Queryable, messages: readonly NewMessage[]): Promise<MessageRecord[]> {
  const found: MessageRecord[] = [];
  for (const { template, key } of idempotencyKeysOf(messages)) found.push(...(await rowsOf(db, 'byKey', [template, key])));
  return found;
}

/**
 * The PostgreSQL message log for several replicas: a `pg` pool, claims with FOR UPDATE SKIP LOCKED,
 * and wake-ups shared between replicas through LISTEN/NOTIFY on a dedicated connection.
 */
export function createPostgresStore(url: string, options: { logger: Logger }): MessageStore {
  const { logger } = options;
  const pool = new Pool({ connectionString: url, connectionTimeoutMillis: 5000, statement_timeout: 30_000, keepAlive: true });
  // An idle client's error (database restart) is emitted on the pool; unhandled, it would crash the process.
  pool.on('error', (err) => logger.warn('message log connection dropped', { err }));
  const instance = randomUUID();
  const hub = createWakeHub((err) => logger.error('message log wake listener failed', { err }));
  let closing: Promise<void> | undefined;
  const listener = createPostgresListener({ connectionString: url, channel: wakeChannel, selfPayload: instance, onNotify: () => hub.emit(), logger });

  async function write(messages: readonly NewMessage[], now: Date, leaseSeconds: number): Promise<AcceptResult> {
    const client = await pool.connect();
    let broken = false;
    // A checked-out client reports its connection dying (database restart, pg_terminate_backend) on
    // itself, not the pool; unhandled, that event would crash the process. The pending query rejects anyway.
    const dropped = (err: Error): void => {
      broken = true;
      logger.warn('message log connection dropped during a write', { err });
    };
    client.on('error', dropped);
    try {
      await client.query('BEGIN');
      const existing = await existingFor(client, messages);
      if (existing.length > 0) {
        await client.query('COMMIT');
        return classifyRepeat(existing, messages);
      }
      const values = messages.flatMap((m) => toInsertValues(m, now, leaseSeconds));
      const { rows } = await client.query<MessageRow>(insertSql(messages.length), values);
      // Delivered at COMMIT, and only if it commits.
      if (messages.some((m) => m.delivery !== 'sync')) await client.query(postgresSql.notify, [wakeChannel, instance]);
      await client.query('COMMIT');
      const order = new Map(messages.map((m, i) => [m.id, i]));
      const created = rows.map(toMessageRecord).sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
      return { kind: 'created', messages: created };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      client.off('error', dropped);
      client.release(broken);
    }
  }

  return {
    kind: 'postgres',
    migrate: () => migratePostgres(pool, logger),
    async accept(messages, now, leaseSeconds) {
      if (messages.length === 0) return { kind: 'created', messages: [] };
      let result: AcceptResult;
      try {
        result = await write(messages, now, leaseSeconds);
      } catch (err) {
        // Another replica committed the same key between our read and our insert: answer with its rows.
        const existing = isUniqueViolation(err) ? await existingFor(pool, messages) : [];
        if (existing.length === 0) throw err;
        result = classifyRepeat(existing, messages);
      }
      if (result.kind === 'created' && result.messages.some((m) => m.status === 'accepted')) hub.emit();
      return result;
    },
    async claimDue(limit, now, leaseSeconds) {
      if (limit <= 0) return [];
      const leaseUntil = new Date(now.getTime() + leaseSeconds * 1000);
      return (await rowsOf(pool, 'claim', [now, leaseUntil, limit])).sort(byDueTime);
    },
    async recordAttempt(id, outcome, now) {
      const c = toAttemptChange(outcome, now);
      const values = [id, c.status, c.countAttempt, c.nextAttemptAt, c.snsMessageId, c.keepError, c.errorCode, c.errorMessage, c.sentAt, now];
      return (await rowsOf(pool, 'record', values))[0];
    },
    async get(id) {
      return (await rowsOf(pool, 'get', [id]))[0];
    },
    findByIdempotencyKey(template, idempotencyKey) {
      return rowsOf(pool, 'byKey', [template, idempotencyKey]);
    },
    async list(filter) {
      const { sql, params, pageSize } = buildListQuery(filter, (i) => `$${i}`);
      const rows = (await pool.query<MessageRow>(sql, params)).rows.map(toMessageRecord);
      const page = rows.slice(0, pageSize);
      const last = page.at(-1);
      return { messages: page, nextCursor: rows.length > pageSize && last ? encodePageCursor(last) : null };
    },
    async requeue(id, now) {
      const record = (await rowsOf(pool, 'requeue', [id, now]))[0];
      if (record !== undefined) {
        hub.emit();
        await pool.query(postgresSql.notify, [wakeChannel, instance]);
      }
      return record;
    },
    async depth(now) {
      const byStatus = Object.fromEntries(messageStatuses.map((s) => [s, 0])) as Record<MessageStatus, number>;
      const counts = await pool.query<{ status: MessageStatus; n: number }>({ name: 'snsgate_countByStatus', text: postgresSql.countByStatus });
      for (const row of counts.rows) byStatus[row.status] = row.n;
      const oldest = await pool.query<{ oldest: Date | null }>({ name: 'snsgate_oldestDue', text: postgresSql.oldestDue, values: [now] });
      const at = oldest.rows[0]?.oldest ?? null;
      return { byStatus, oldestDueAgeSeconds: at === null ? 0 : Math.max(0, (now.getTime() - at.getTime()) / 1000) };
    },
    async purge(before, batchSize) {
      let total = 0;
      for (;;) {
        const { rowCount } = await pool.query({ name: 'snsgate_purge', text: postgresSql.purge, values: [before, batchSize] });
        total += rowCount ?? 0;
        if ((rowCount ?? 0) < batchSize) return total;
      }
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    onWake(listen) {
      listener.start();
      return hub.on(listen);
    },
    close() {
      closing ??= listener.close().then(() => pool.end());
      return closing;
    },
  };
}
