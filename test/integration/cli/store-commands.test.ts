import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { createStore } from '../../../src/store/create-store.js';
import { newMessage, quietLogger } from '../../helpers/store-helpers.js';
import { runCliInProcess, runCliProcess } from './cli-harness.js';

describe('snsgate migrate and snsgate messages (CLI)', function () {
  this.timeout(30000);
  let dir = '';

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'snsgate-cli-store-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('migrate creates the message log tables in a new SQLite file, and is idempotent', async () => {
    const path = join(dir, 'nested', 'log.db');
    const env = { DATABASE_URL: `sqlite:${path}` };
    const run = await runCliProcess(['migrate'], env);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.equal('message log (sqlite) is migrated\n');
    expect((await runCliInProcess(['migrate'], env)).code).to.equal(0);
    const db = new Database(path, { readonly: true });
    try {
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
      expect(tables).to.include.members(['message_logs', 'schema_migrations']);
      const columns = (db.prepare("SELECT name FROM pragma_table_info('message_logs')").all() as { name: string }[]).map((c) => c.name);
      // The tutorial's message_logs columns are there.
      expect(columns).to.include.members(['id', 'recipient_number', 'message_body', 'media_url', 'status', 'sns_message_id', 'error_message']);
    } finally {
      db.close();
    }
  });

  describe('on a log with an accepted, a sent and a failed message', () => {
    const ids = { accepted: '', sent: '', failed: '' };
    let env: Record<string, string> = {};

    beforeEach(async () => {
      const url = `sqlite:${join(dir, 'log.db')}`;
      env = { DATABASE_URL: url };
      const store = createStore(url, { logger: quietLogger() });
      await store.migrate();
      const now = new Date();
      const [sent, failed, accepted] = [newMessage({ template: 'mms' }), newMessage({ template: 'order-shipped' }), newMessage({ template: 'mms' })];
      await store.accept([sent, failed], now, 30);
      await store.claimDue(2, now, 30);
      await store.recordAttempt(sent.id, { status: 'sent', snsMessageId: 'sns-1' }, now);
      await store.recordAttempt(failed.id, { status: 'failed', errorCode: 'InvalidParameterException', errorMessage: 'Invalid parameter: PhoneNumber' }, now);
      await store.accept([accepted], now, 30);
      await store.close();
      Object.assign(ids, { accepted: accepted.id, sent: sent.id, failed: failed.id });
    });

    it('messages list prints every row; --status and --template filter them', async () => {
      const all = await runCliProcess(['messages', 'list'], env);
      expect(all.code, all.stderr).to.equal(0);
      const lines = all.stdout.trim().split('\n');
      expect(lines).to.have.lengthOf(3);
      for (const id of Object.values(ids)) expect(all.stdout).to.include(id);

      const failed = await runCliInProcess(['messages', 'list', '--status', 'failed'], env);
      expect(failed.stdout.trim().split('\n')).to.have.lengthOf(1);
      expect(failed.stdout).to.include(ids.failed).and.include('order-shipped').and.include('failed').and.include('InvalidParameterException');

      const mms = await runCliInProcess(['messages', 'list', '--template', 'mms'], env);
      expect(mms.stdout.trim().split('\n')).to.have.lengthOf(2);
      expect(mms.stdout).to.not.include(ids.failed);
    });

    it('messages list exits 2 for an unknown status', async () => {
      const run = await runCliInProcess(['messages', 'list', '--status', 'lost'], env);
      expect(run.code).to.equal(2);
      expect(run.stderr).to.include('--status must be one of');
    });

    it('messages list --limit pages the rows, and exits 2 for a limit that is not a whole number from 1 to 500', async () => {
      const two = await runCliInProcess(['messages', 'list', '--limit', '2'], env);
      expect(two.code).to.equal(0);
      expect(two.stdout.trim().split('\n')).to.have.lengthOf(2);
      for (const limit of ['abc', '0', '1.5', '501']) {
        const run = await runCliInProcess(['messages', 'list', '--limit', limit], env);
        expect(run.code, limit).to.equal(2);
        expect(run.stderr).to.include('--limit must be an integer from 1 to 500');
      }
    });

    it('messages get prints the row as JSON, and exits 1 for an unknown id', async () => {
      const run = await runCliInProcess(['messages', 'get', ids.failed], env);
      expect(run.code).to.equal(0);
      expect(JSON.parse(run.stdout)).to.include({ id: ids.failed, status: 'failed', errorCode: 'InvalidParameterException', attempts: 1 });
      const missing = await runCliInProcess(['messages', 'get', 'no-such-id'], env);
      expect(missing.code).to.equal(1);
      expect(missing.stderr).to.include('no message no-such-id');
    });

    it('messages retry requeues a failed message as due now, and refuses one that is not failed or dead', async () => {
      const run = await runCliProcess(['messages', 'retry', ids.failed], env);
      expect(run.code, run.stderr).to.equal(0);
      const row = JSON.parse(run.stdout) as { status: string; nextAttemptAt: string };
      expect(row.status).to.equal('retrying');
      expect(Date.parse(row.nextAttemptAt)).to.be.at.most(Date.now());
      for (const id of [ids.failed, ids.sent, ids.accepted]) {
        const again = await runCliInProcess(['messages', 'retry', id], env);
        expect(again.code, id).to.equal(1);
        expect(again.stderr).to.include('is not failed/dead');
      }
      const listed = await runCliInProcess(['messages', 'list', '--status', 'retrying'], env);
      expect(listed.stdout).to.include(ids.failed);
    });
  });
});
