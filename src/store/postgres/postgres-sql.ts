import { insertColumns } from '../message-row.js';

/** The NOTIFY channel on which a replica that accepted due messages wakes the others. */
export const wakeChannel = 'snsgate_message_log';

const due = `(status IN ('accepted', 'retrying') AND next_attempt_at <= $1) OR (status = 'publishing' AND lease_until < $1)`;

/** An INSERT of `rows` new messages, numbered placeholders row after row. */
export function insertSql(rows: number): string {
  const width = insertColumns.length;
  const tuples = Array.from({ length: rows }, (_, r) =>
    `(${insertColumns.map((_c, c) => `$${r * width + c + 1}`).join(', ')})`,
  );
  return `INSERT INTO message_logs (${insertColumns.join(', ')}) VALUES ${tuples.join(', ')} RETURNING *`;
}

/** The store's fixed PostgreSQL statements, run as named prepared statements. */
export const postgresSql = {
  byKey: 'SELECT * FROM message_logs WHERE template = $1 AND idempotency_key = $2 ORDER BY id',
  get: 'SELECT * FROM message_logs WHERE id = $1',
  // SKIP LOCKED: a row another replica is claiming right now is left to it, never handed out twice;
  // its WHERE is re-checked on the locked row, so a row claimed a moment ago no longer qualifies.
  claim: `UPDATE message_logs SET status = 'publishing', lease_until = $2, updated_at = $1
    WHERE id IN (
      SELECT id FROM message_logs WHERE ${due}
      ORDER BY next_attempt_at, id
      LIMIT $3
      FOR UPDATE SKIP LOCKED)
    RETURNING *`,
  record: `UPDATE message_logs SET
      status = $2,
      attempts = attempts + $3::int,
      next_attempt_at = $4::timestamptz,
      lease_until = NULL,
      sns_message_id = COALESCE($5::text, sns_message_id),
      error_code = CASE WHEN $6::int = 1 THEN error_code ELSE $7::text END,
      error_message = CASE WHEN $6::int = 1 THEN error_message ELSE $8::text END,
      sent_at = COALESCE($9::timestamptz, sent_at),
      updated_at = $10
    WHERE id = $1 AND status = 'publishing'
    RETURNING *`,
  requeue: `UPDATE message_logs SET status = 'retrying', next_attempt_at = $2, lease_until = NULL, updated_at = $2
    WHERE id = $1 AND status IN ('failed', 'dead')
    RETURNING *`,
  countByStatus: 'SELECT status, count(*)::int AS n FROM message_logs GROUP BY status',
  oldestDue: `SELECT min(next_attempt_at) AS oldest FROM message_logs
    WHERE status IN ('accepted', 'retrying') AND next_attempt_at <= $1`,
  purge: `DELETE FROM message_logs WHERE id IN (
      SELECT id FROM message_logs
      WHERE status IN ('sent', 'failed', 'dead', 'opted_out') AND submitted_at < $1
      LIMIT $2
      FOR UPDATE SKIP LOCKED)`,
  notify: 'SELECT pg_notify($1, $2)',
} as const;
