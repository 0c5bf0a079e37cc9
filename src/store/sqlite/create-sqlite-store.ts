import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Database, Statement } from 'better-sqlite3';
import { messageStatuses, type MessageStatus } from '../../observability/metrics.js';
import type { Logger } from '../../observability/logger.js';
import { toAttemptChange } from '../attempt-change.js';
import { buildListQuery, encodePageCursor } from '../build-list-query.js';
import { classifyRepeat, idempotencyKeysOf } from '../classify-repeat.js';
import { createWakeHub } from '../create-wake-hub.js';
import { createGroupCommit } from './create-group-commit.js';
import { byDueTime, toInsertValues, toMessageRecord, type MessageRow } from '../message-row.js';
import type { AcceptResult, MessageRecord, MessageStore, NewMessage } from '../message-store.js';
import { pendingMigrations } from '../migration.js';
import { openSqliteDatabase, watchSqliteFile } from './open-sqlite-database.js';
import { sqliteMigrations } from './sqlite-migrations.js';
import { prepareSqliteStatements, type SqliteStatements } from './sqlite-statements.js';

/** Runs synchronous driver work as a promise, so a throw becomes a rejection like on PostgreSQL. */
function settle<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => resolve(work()));
}

function isUniqueViolation(err: unknown): boolean {
  return err instanceof Error && 'code' in err && err.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

function maybeRecord(row: unknown): MessageRecord | undefined {
  return row === undefined ? undefined : toMessageRecord(row as MessageRow);
}

function migrate(db: Database, logger: Logger): void {
  db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    const rows = db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[];
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const migration of pendingMigrations(sqliteMigrations, new Set(rows.map((r) => r.version)))) {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
      logger.info('message log migration applied', { backend: 'sqlite', version: migration.version, name: migration.name });
    }
  }).immediate();
}

/**
 * The SQLite message log: one connection, every write an IMMEDIATE transaction (so a read-then-write
 * never races another process), statements prepared once. better-sqlite3 is synchronous; the methods
 * are async only to honour the `MessageStore` contract.
 */
export function createSqliteStore(url: string, options: { logger: Logger }): MessageStore {
  const { logger } = options;
  const db = openSqliteDatabase(url);
  const fileProblem = watchSqliteFile(url);
  let reportedProblem = false;
  /**
   * New accepts and readiness stop once the file is gone or replaced: what was accepted would be
   * written only to the unlinked file. Claims and outcomes go on, so the dispatcher still delivers
   * what was accepted before, from the open file.
   */
  const refuseIfMoved = (): void => {
    const problem = fileProblem();
    if (problem === undefined) return;
    if (!reportedProblem) logger.error('message log file gone; refusing new messages until a restart', { problem });
    reportedProblem = true;
    throw new Error(problem);
  };
  const hub = createWakeHub((err) => logger.error('message log wake listener failed', { err }));
  let prepared: SqliteStatements | undefined;
  const statements = (): SqliteStatements => (prepared ??= prepareSqliteStatements(db));
  const listCache = new Map<string, Statement>();
  // Writes go through group commit: one transaction per turn of the event loop, not one per write.
  const grouped = createGroupCommit(db);
  // Wake the dispatcher once the accepting commit is done (the microtask runs after the group's commit).
  const wakeAfterCommit = (): void => queueMicrotask(() => hub.emit());

  const existingFor = (messages: readonly NewMessage[]): MessageRecord[] =>
    idempotencyKeysOf(messages).flatMap(({ template, key }) =>
      (statements().byKey.all(template, key) as MessageRow[]).map(toMessageRecord),
    );

  const write = db.transaction((messages: readonly NewMessage[], now: Date, leaseSeconds: number): AcceptResult => {
    const existing = existingFor(messages);
    if (existing.length > 0) return classifyRepeat(existing, messages);
    const created = messages.map((m) => toMessageRecord(statements().insert.get(toInsertValues(m, now, leaseSeconds)) as MessageRow));
    return { kind: 'created', messages: created };
  });

  const claim = db.transaction((limit: number, now: Date, leaseSeconds: number): MessageRecord[] => {
    const leaseUntil = new Date(now.getTime() + leaseSeconds * 1000).toISOString();
    const rows = statements().claim.all({ now: now.toISOString(), leaseUntil, limit }) as MessageRow[];
    return rows.map(toMessageRecord).sort(byDueTime);
  });

  return {
    kind: 'sqlite',
    migrate() {
      return settle(() => migrate(db, logger));
    },
    accept(messages, now, leaseSeconds) {
      return grouped(() => {
        refuseIfMoved();
        if (messages.length === 0) return { kind: 'created', messages: [] };
        let result: AcceptResult;
        try {
          result = write.immediate(messages, now, leaseSeconds);
        } catch (err) {
          // Another writer won the key between our read and our insert (or one request named a recipient twice).
          const existing = isUniqueViolation(err) ? existingFor(messages) : [];
          if (existing.length === 0) throw err;
          result = classifyRepeat(existing, messages);
        }
        if (result.kind === 'created' && result.messages.some((m) => m.status === 'accepted')) wakeAfterCommit();
        return result;
      });
    },
    claimDue(limit, now, leaseSeconds) {
      return limit > 0 ? grouped(() => claim.immediate(limit, now, leaseSeconds)) : Promise.resolve([]);
    },
    recordAttempt(id, outcome, now) {
      const change = toAttemptChange(outcome, now);
      // all(), not get(): get() stops after the first row and better-sqlite3 then drops the statement's
      // error (SQLITE_FULL), answering a row that was never written; all() runs it to the end and throws.
      return grouped(() => maybeRecord(statements().record.all({ ...change, id, now: now.toISOString() })[0]));
    },
    get(id) {
      return settle(() => maybeRecord(statements().get.get(id)));
    },
    findByIdempotencyKey(template, idempotencyKey) {
      return settle(() => (statements().byKey.all(template, idempotencyKey) as MessageRow[]).map(toMessageRecord));
    },
    list(filter) {
      return settle(() => {
        const { sql, params, pageSize } = buildListQuery(filter, () => '?');
        let statement = listCache.get(sql);
        if (statement === undefined) {
          statement = db.prepare(sql);
          listCache.set(sql, statement);
        }
        const rows = (statement.all(...params) as MessageRow[]).map(toMessageRecord);
        const page = rows.slice(0, pageSize);
        const last = page.at(-1);
        return { messages: page, nextCursor: rows.length > pageSize && last ? encodePageCursor(last) : null };
      });
    },
    requeue(id, now) {
      return grouped(() => {
        const record = maybeRecord(statements().requeue.all({ id, now: now.toISOString() })[0]);
        if (record !== undefined) wakeAfterCommit();
        return record;
      });
    },
    depth(now) {
      return settle(() => {
        const byStatus = Object.fromEntries(messageStatuses.map((s) => [s, 0])) as Record<MessageStatus, number>;
        for (const row of statements().countByStatus.all() as { status: MessageStatus; n: number }[]) byStatus[row.status] = row.n;
        const { oldest } = statements().oldestDue.get({ now: now.toISOString() }) as { oldest: string | null };
        const age = oldest === null ? 0 : Math.max(0, (now.getTime() - Date.parse(oldest)) / 1000);
        return { byStatus, oldestDueAgeSeconds: age };
      });
    },
    async purge(before, batchSize) {
      let total = 0;
      for (;;) {
        const { changes } = statements().purge.run({ before: before.toISOString(), limit: batchSize });
        total += changes;
        if (changes < batchSize) return total;
        // Let requests and the dispatcher run between batches: a long purge must not stall the process.
        await yieldToEventLoop();
      }
    },
    ping() {
      return settle(() => {
        refuseIfMoved();
        statements().ping.get();
      });
    },
    onWake(listener) {
      return hub.on(listener);
    },
    close() {
      const closeNow = (): Promise<void> =>
        settle(() => {
          if (db.open) db.close();
        });
      // Writes already asked for are committed (or fail) before the connection goes.
      return grouped(() => undefined).then(closeNow, closeNow);
    },
  };
}
