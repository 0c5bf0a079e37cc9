import type { Migration } from '../migration.js';

/** PostgreSQL migrations; each runs inside `migrate()`'s transaction under the advisory lock. */
export const postgresMigrations: readonly Migration[] = [
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
  target           JSONB NOT NULL,
  recipient_number TEXT NOT NULL,
  message_body     TEXT NOT NULL,
  media_url        TEXT,
  encoding         TEXT NOT NULL CHECK (encoding IN ('GSM-7', 'UCS-2')),
  segments         INTEGER NOT NULL,
  attributes       JSONB NOT NULL DEFAULT '{}',
  delivery_mode    TEXT NOT NULL CHECK (delivery_mode IN ('queued', 'sync')),
  status           TEXT NOT NULL CHECK (status IN ('accepted', 'publishing', 'sent', 'retrying', 'failed', 'opted_out', 'dead')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  TIMESTAMPTZ,
  lease_until      TIMESTAMPTZ,
  sns_message_id   TEXT,
  error_code       TEXT,
  error_message    TEXT,
  request_id       TEXT,
  submitted_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  sent_at          TIMESTAMPTZ
);
CREATE INDEX message_logs_due_idx ON message_logs (status, next_attempt_at)
  WHERE status IN ('accepted', 'retrying', 'publishing');
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
