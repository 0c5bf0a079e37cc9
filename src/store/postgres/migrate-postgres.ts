import type pg from 'pg';
import type { Logger } from '../../observability/logger.js';
import { pendingMigrations } from '../migration.js';
import { postgresMigrations } from './postgres-migrations.js';

/**
 * Applies pending migrations in one transaction under a transaction-scoped advisory lock, so replicas
 * starting together queue up and each finds the work already done. The lock key names the schema, so
 * separate schemas (test runs) do not wait on each other.
 */
export async function migratePostgres(pool: pg.Pool, logger: Logger): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('snsgate.migrate:' || coalesce(current_schema(), '')))`);
    // Created under the lock: concurrent CREATE TABLE IF NOT EXISTS can still collide on pg_type.
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
    for (const migration of pendingMigrations(postgresMigrations, new Set(rows.map((r) => r.version)))) {
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      logger.info('message log migration applied', { backend: 'postgres', version: migration.version, name: migration.name });
    }
    await client.query('COMMIT');
    client.release();
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release(true);
    throw err;
  }
}
