import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { GatewayError } from '../../../src/errors.js';
import { createStore } from '../../../src/store/create-store.js';
import { openSqliteDatabase, sqlitePathOf } from '../../../src/store/sqlite/open-sqlite-database.js';
import { quietLogger } from '../../helpers/store-helpers.js';

describe('createStore()', () => {
  it('picks the backend by URL scheme', async () => {
    const sqlite = createStore('sqlite::memory:', { logger: quietLogger() });
    const postgres = createStore('postgres://user:pw@127.0.0.1:1/db', { logger: quietLogger() });
    const postgresql = createStore('postgresql://127.0.0.1:1/db', { logger: quietLogger() });
    expect([sqlite.kind, postgres.kind, postgresql.kind]).to.deep.equal(['sqlite', 'postgres', 'postgres']);
    await Promise.all([sqlite, postgres, postgresql].map((s) => s.close()));
  });

  it('refuses another scheme, naming the scheme but never the rest of the URL', () => {
    let error: unknown;
    try {
      createStore('mysql://admin:hunter2@db/snsgate', { logger: quietLogger() });
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(GatewayError);
    expect((error as GatewayError).code).to.equal('SNSGATE_CONFIG_INVALID');
    expect((error as GatewayError).message).to.include('mysql:').and.not.include('hunter2');
  });

  it('creates the folder of a SQLite file and opens it in WAL mode with a busy timeout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snsgate-open-'));
    try {
      const url = `sqlite:${join(dir, 'a', 'b', 'log.db')}`;
      const store = createStore(url, { logger: quietLogger() });
      await store.migrate();
      await store.ping();
      expect(existsSync(join(dir, 'a', 'b', 'log.db'))).to.equal(true);
      await store.close();
      const db = openSqliteDatabase(url);
      expect(db.pragma('journal_mode', { simple: true })).to.equal('wal');
      expect(db.pragma('busy_timeout', { simple: true })).to.equal(5000);
      expect(db.pragma('synchronous', { simple: true })).to.equal(1);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads sqlite: paths, relative, absolute and in memory', () => {
    expect(sqlitePathOf('sqlite:data/snsgate.db')).to.equal('data/snsgate.db');
    expect(sqlitePathOf('sqlite:/var/lib/snsgate.db')).to.equal('/var/lib/snsgate.db');
    expect(sqlitePathOf('sqlite:///var/lib/snsgate.db')).to.equal('/var/lib/snsgate.db');
    expect(sqlitePathOf('sqlite::memory:')).to.equal(':memory:');
  });
});
