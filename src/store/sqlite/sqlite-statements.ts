import type { Database, Statement } from 'better-sqlite3';
import { insertColumns } from '../message-row.js';

// The earliest `@limit` due rows: (accepted or retrying, next attempt due) or (publishing, lease expired).
// One branch per status, each taking its first `@limit` in index order, then merged: an OR of the three
// would sort every due row before the LIMIT, a cost that grows with the backlog on each claim.
const branch = (where: string): string =>
  `SELECT * FROM (SELECT id, next_attempt_at FROM message_logs WHERE ${where} ORDER BY next_attempt_at, id LIMIT @limit)`;
const due = [
  branch(`status = 'accepted' AND next_attempt_at <= @now`),
  branch(`status = 'retrying' AND next_attempt_at <= @now`),
  branch(`status = 'publishing' AND lease_until < @now`),
].join(' UNION ALL ');

/** The store's SQLite statements, prepared once (after migrations, since they name `message_logs`). */
export function prepareSqliteStatements(db: Database) {
  const prepare = (sql: string): Statement => db.prepare(sql);
  return {
    insert: prepare(
      `INSERT INTO message_logs (${insertColumns.join(', ')}) VALUES (${insertColumns.map(() => '?').join(', ')}) RETURNING *`,
    ),
    byKey: prepare('SELECT * FROM message_logs WHERE template = ? AND idempotency_key = ? ORDER BY id'),
    get: prepare('SELECT * FROM message_logs WHERE id = ?'),
    claim: prepare(
      `UPDATE message_logs SET status = 'publishing', lease_until = @leaseUntil, updated_at = @now
       WHERE id IN (SELECT id FROM (${due}) ORDER BY next_attempt_at, id LIMIT @limit)
       RETURNING *`,
    ),
    record: prepare(
      `UPDATE message_logs SET
         status = @status,
         attempts = attempts + @countAttempt,
         next_attempt_at = @nextAttemptAt,
         lease_until = NULL,
         sns_message_id = COALESCE(@snsMessageId, sns_message_id),
         error_code = CASE WHEN @keepError = 1 THEN error_code ELSE @errorCode END,
         error_message = CASE WHEN @keepError = 1 THEN error_message ELSE @errorMessage END,
         sent_at = COALESCE(@sentAt, sent_at),
         updated_at = @now
       WHERE id = @id AND status = 'publishing'
       RETURNING *`,
    ),
    requeue: prepare(
      `UPDATE message_logs SET status = 'retrying', next_attempt_at = @now, lease_until = NULL, updated_at = @now
       WHERE id = @id AND status IN ('failed', 'dead')
       RETURNING *`,
    ),
    countByStatus: prepare('SELECT status, COUNT(*) AS n FROM message_logs GROUP BY status'),
    oldestDue: prepare(
      `SELECT MIN(next_attempt_at) AS oldest FROM message_logs
       WHERE status IN ('accepted', 'retrying') AND next_attempt_at <= @now`,
    ),
    purge: prepare(
      `DELETE FROM message_logs WHERE id IN (
         SELECT id FROM message_logs
         WHERE status IN ('sent', 'failed', 'dead', 'opted_out') AND submitted_at < @before
         LIMIT @limit)`,
    ),
    ping: prepare('SELECT 1 AS ok'),
  };
}

export type SqliteStatements = ReturnType<typeof prepareSqliteStatements>;
