import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { createGroupCommit } from '../../../src/store/sqlite/create-group-commit.js';

describe('createGroupCommit()', () => {
  let dir: string;
  let db: Database.Database;
  let reader: Database.Database;
  const count = (): number => (reader.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'group-commit-'));
    db = new Database(join(dir, 'db.sqlite'));
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
    reader = new Database(join(dir, 'db.sqlite'), { readonly: true });
  });
  afterEach(() => {
    reader.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the writes of one turn in one transaction and answers each after the commit', async () => {
    const grouped = createGroupCommit(db);
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const first = grouped(() => insert.run('a').lastInsertRowid);
    const second = grouped(() => {
      // Same transaction as the first write: its row is visible here, and nothing is committed yet.
      const seen = (db.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n;
      return { inTransaction: db.inTransaction, seen, committed: count() };
    });
    expect(count()).to.equal(0);
    expect(await first).to.equal(1);
    expect(await second).to.deep.equal({ inTransaction: true, seen: 1, committed: 0 });
    expect(count()).to.equal(1);
  });

  it('rolls back a failing write alone and commits the others of its batch', async () => {
    const grouped = createGroupCommit(db);
    const insert = db.prepare('INSERT INTO t (id, v) VALUES (?, ?)');
    const results = await Promise.allSettled([
      grouped(() => insert.run(1, 'a')),
      grouped(() => {
        insert.run(2, 'b');
        insert.run(1, 'duplicate');
      }),
      grouped(() => insert.run(3, 'c')),
    ]);
    expect(results.map((r) => r.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled']);
    expect((reader.prepare('SELECT id FROM t ORDER BY id').all() as { id: number }[]).map((r) => r.id)).to.deep.equal([1, 3]);
  });

  it('fails every write of the batch when the transaction itself is lost', async () => {
    const grouped = createGroupCommit(db);
    const results = await Promise.allSettled([
      grouped(() => db.prepare('INSERT INTO t (v) VALUES (?)').run('a')),
      grouped(() => {
        db.exec('ROLLBACK');
        throw new Error('the transaction ended under us');
      }),
    ]);
    expect(results.map((r) => r.status)).to.deep.equal(['rejected', 'rejected']);
    expect(count()).to.equal(0);
    // The next turn starts a fresh transaction.
    await grouped(() => db.prepare('INSERT INTO t (v) VALUES (?)').run('b'));
    expect(count()).to.equal(1);
  });
});
