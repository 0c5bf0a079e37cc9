import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/** How long a writer waits for another process's write lock before SQLITE_BUSY. */
export const sqliteBusyTimeoutMs = 5000;

/** The file path of a `sqlite:<path>` URL (`sqlite::memory:` for an in-memory database). */
export function sqlitePathOf(url: string): string {
  const rest = url.replace(/^sqlite:/, '');
  if (rest === ':memory:') return rest;
  return rest.startsWith('//') ? rest.slice(2) : rest;
}

/**
 * Opens the database, creating its folder if missing, in WAL mode with a busy timeout.
 * `synchronous = NORMAL` is safe under WAL: a commit is in the WAL (in the OS) when it returns, so a
 * crash of this process loses nothing, and the file is never corrupted; only a power cut or OS crash
 * can roll back the last commits before a checkpoint. That is the usual trade for the single-node
 * default (FULL costs one fsync per accept); deployments that cannot lose a message to a power cut run
 * PostgreSQL.
 */
export function openSqliteDatabase(url: string): Database.Database {
  const path = sqlitePathOf(url);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`busy_timeout = ${sqliteBusyTimeoutMs}`);
  db.pragma('synchronous = NORMAL');
  return db;
}

/**
 * Watches the database file's identity (device and inode, taken once it is open). A file removed or
 * replaced under the running process is not noticed by SQLite: writes go on into the unlinked file
 * and vanish at the next restart. The returned check answers why the path no longer holds the open
 * database, or undefined while it does (one stat, a few microseconds). In-memory databases never move.
 */
export function watchSqliteFile(url: string): () => string | undefined {
  const path = sqlitePathOf(url);
  if (path === ':memory:') return () => undefined;
  const opened = statSync(path);
  return () => {
    const now = statSync(path, { throwIfNoEntry: false });
    if (now === undefined) return `the message log file ${path} was removed while snsgate runs; restart it`;
    if (now.ino !== opened.ino || now.dev !== opened.dev) return `the message log file ${path} was replaced while snsgate runs; restart it`;
    return undefined;
  };
}
