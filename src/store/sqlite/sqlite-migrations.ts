import type { Migration } from '../migration.js';

/**
 * SQLite migrations. Timestamps are ISO 8601 UTC text with milliseconds (`toISOString()`), which
 * sorts and compares like the instants it names and stays readable in the sqlite3 shell.
 */
export const sqliteMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'create message_logs',
    sql: `
CREATE TABLE message_logs (
  id               TEXT PRIMARY KEY,
  template         TEXT NOT NULL,
  source           TEXT NOT NULL,
  idempotency_key  TEXT,
  payload_hash     TEXT NOT NULL,
  target_kind      TEXT NOT NULL CHECK (target_kind IN ('phone', 'topic')),
  target           TEXT NOT NULL,
  recipient_number TEXT NOT NULL,
  message_body     TEXT NOT NULL,
  media_url        TEXT,
  encoding         TEXT NOT NULL CHECK (encoding IN ('GSM-7', 'UCS-2')),
  segments         INTEGER NOT NULL,
  attributes       TEXT NOT NULL DEFAULT '{}',
  delivery_mode    TEXT NOT NULL CHECK (delivery_mode IN ('queued', 'sync')),
  status           TEXT NOT NULL CHECK (status IN ('accepted', 'publishing', 'sent', 'retrying', 'failed', 'opted_out', 'dead')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  TEXT,
  lease_until      TEXT,
  sns_message_id   TEXT,
  error_code       TEXT,
  error_message    TEXT,
  request_id       TEXT,
  submitted_at     TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  sent_at          TEXT
);
CREATE INDEX message_logs_due_idx ON message_logs (status, next_attempt_at);
CREATE INDEX message_logs_lease_idx ON message_logs (lease_until) WHERE status = 'publishing';
CREATE UNIQUE INDEX message_logs_idempotency_idx
  ON message_logs (template, idempotency_key, recipient_number) WHERE idempotency_key IS NOT NULL;
CREATE INDEX message_logs_recipient_idx ON message_logs (recipient_number, submitted_at);
CREATE INDEX message_logs_submitted_idx ON message_logs (submitted_at, id);
CREATE INDEX message_logs_status_idx ON message_logs (status, submitted_at);
CREATE INDEX message_logs_sns_id_idx ON message_logs (sns_message_id);
`,
  },
];
