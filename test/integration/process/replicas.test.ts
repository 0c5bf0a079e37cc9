import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import pg from 'pg';
import { spawnService, type ServiceProcess } from '../../helpers/spawn-service.js';
import { testDatabaseUrl, withSearchPath } from '../../helpers/store-helpers.js';
import {
  deliveryFigures,
  formatFigures,
  loadTestConfig,
  publishCounts,
  removeDir,
  sendBurst,
  snsEnv,
  startFakeSnsProcess,
  stopService,
  tempDir,
  unfinishedStatuses,
  waitFor,
  writeConfig,
  type FakeSnsProcess,
} from './process-harness.js';

const skipReason = 'TEST_DATABASE_URL is not set (CI sets it; here: postgres://postgres@127.0.0.1:5432/test)';
const count = 300;

/** `snsgate_dispatch_attempts_total` summed over its labels, from a replica's /metrics. */
async function dispatchAttempts(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('snsgate_dispatch_attempts_total'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

describe(testDatabaseUrl === undefined ? `two replicas on one PostgreSQL database — skipped: ${skipReason}` : 'two replicas on one PostgreSQL database', function () {
  this.timeout(60000);
  const schema = `snsgate_replicas_${process.pid}_${randomBytes(4).toString('hex')}`;
  let admin: pg.Pool | undefined;
  let dir: string | undefined;
  let fake: FakeSnsProcess | undefined;
  const procs: ServiceProcess[] = [];

  before(async function () {
    if (testDatabaseUrl === undefined) {
      console.log(`    multi-replica test skipped: ${skipReason}`);
      this.skip();
    }
    admin = new pg.Pool({ connectionString: testDatabaseUrl, max: 2 });
    await admin.query(`CREATE SCHEMA ${schema}`);
    dir = tempDir('replicas');
    fake = await startFakeSnsProcess();
  });

  after(async () => {
    await Promise.all(procs.splice(0).map(stopService));
    await fake?.stop();
    removeDir(dir);
    if (admin !== undefined) {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    }
  });

  it('publishes every message exactly once when two service processes share the log and the SNS peer', async () => {
    if (testDatabaseUrl === undefined || dir === undefined || fake === undefined || admin === undefined) throw new Error('setup did not run');
    const db = admin;
    const databaseUrl = withSearchPath(testDatabaseUrl, schema);
    // A small batch and concurrency per replica, and SNS latency: both replicas claim all the time.
    const config = writeConfig(dir, loadTestConfig({ dispatcher: { concurrency: 8, batchSize: 4 } }));
    await fake.fault({ kind: 'latency', ms: 20 });
    const env = { ...snsEnv(fake.url), SNSGATE_CONFIG: config, DATABASE_URL: databaseUrl };
    // Started together: migrations race under the advisory lock.
    procs.push(...(await Promise.all([spawnService(env), spawnService(env)])));
    const [a, b] = procs;
    if (a === undefined || b === undefined) throw new Error('replicas did not start');

    const burst = await sendBurst({ run: 'replicas', count, concurrency: 20, target: (n) => (n % 2 === 0 ? a.url : b.url) });
    await waitFor('the shared log to have nothing left to send', async () => {
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.message_logs WHERE status = ANY($1)`, [
        [...unfinishedStatuses],
      ]);
      return rows[0]?.n === 0 ? true : undefined;
    }, 30000, 100);

    const byOrder = publishCounts(await fake.published());
    const figures = deliveryFigures(burst, byOrder);
    const [attemptsA, attemptsB] = await Promise.all([dispatchAttempts(a.url), dispatchAttempts(b.url)]);
    console.log(formatFigures('two replicas', figures, ` (dispatch attempts: replica A=${attemptsA}, replica B=${attemptsB})`));

    expect(figures.accepted2xx).to.equal(count);
    expect(figures.lostIds, 'accepted but never published').to.deep.equal([]);
    expect(figures.duplicatedIds, 'published more than once').to.deep.equal([]);
    expect(figures.published).to.equal(count);
    const { rows } = await db.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM ${schema}.message_logs GROUP BY status`);
    expect(rows).to.deep.equal([{ status: 'sent', n: count }]);
    // Both dispatchers did part of the work (otherwise the test would prove nothing about sharing).
    expect(attemptsA).to.be.greaterThan(0);
    expect(attemptsB).to.be.greaterThan(0);
  });
});
