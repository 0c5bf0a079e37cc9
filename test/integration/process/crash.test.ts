import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { spawnService, type ServiceProcess } from '../../helpers/spawn-service.js';
import {
  deliveryFigures,
  formatFigures,
  loadTestConfig,
  orderIdIn,
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

interface LogRow {
  readonly status: string;
  readonly body: string;
}

/** The message log as another process sees it (read-only, so the service's WAL is left alone). */
function readLog(dbPath: string): LogRow[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT status, message_body AS body FROM message_logs').all() as LogRow[];
  } finally {
    db.close();
  }
}

interface Scenario {
  readonly name: string;
  readonly delivery: 'queued' | 'sync';
  readonly faults: boolean;
}

const scenarios: readonly Scenario[] = [
  { name: 'queued delivery', delivery: 'queued', faults: false },
  { name: 'sync delivery', delivery: 'sync', faults: false },
  { name: 'queued delivery with SNS throttling and 500s during the burst', delivery: 'queued', faults: true },
];

const count = 240;
const clients = 24;
const dispatcherConcurrency = 16;

describe('the service process killed with SIGKILL in the middle of a burst (SQLite)', function () {
  this.timeout(60000);
  let dir: string | undefined;
  let fake: FakeSnsProcess | undefined;
  const procs: ServiceProcess[] = [];

  beforeEach(async () => {
    dir = tempDir('crash');
    fake = await startFakeSnsProcess();
  });

  afterEach(async () => {
    await Promise.all(procs.splice(0).map(stopService));
    await fake?.stop();
    fake = undefined;
    removeDir(dir);
    dir = undefined;
  });

  for (const scenario of scenarios) {
    it(`publishes every webhook that got a 2xx after a restart, re-sending only what was in flight at the kill (${scenario.name})`, async () => {
      if (dir === undefined || fake === undefined) throw new Error('setup did not run');
      const dbPath = join(dir, 'log.db');
      const config = writeConfig(
        dir,
        loadTestConfig({
          delivery: scenario.delivery,
          dispatcher: { concurrency: dispatcherConcurrency },
          // One SDK attempt and a quick breaker: injected failures reach the dispatcher's own retries.
          ...(scenario.faults ? { publisher: { sns: { maxAttempts: 1 }, breaker: { resetTimeoutMs: 300 } } } : {}),
        }),
      );
      const env = { ...snsEnv(fake.url), SNSGATE_CONFIG: config, DATABASE_URL: `sqlite:${dbPath}` };
      // Latency keeps publishes in flight, so the kill lands between SNS's answer and some commits.
      await fake.fault({ kind: 'latency', ms: 30 });
      if (scenario.faults) {
        await fake.fault({ kind: 'error', code: 'Throttled' }, { times: 12 });
        await fake.fault({ kind: 'error', code: 'InternalError' }, { times: 12 });
      }
      const first = await spawnService(env);
      procs.push(first);

      let killedAt: number | undefined;
      const burst = await sendBurst({
        run: `crash-${scenario.delivery}${scenario.faults ? '-faults' : ''}`,
        count,
        concurrency: clients,
        target: () => first.url,
        stop: () => killedAt !== undefined,
        afterEach: (answered) => {
          if (answered === Math.floor(count * 0.4) && killedAt === undefined) {
            killedAt = Date.now();
            first.child.kill('SIGKILL');
          }
        },
      });
      expect(await first.exited).to.equal('SIGKILL');
      if (killedAt === undefined) throw new Error('the burst ended before the kill');
      const kill = killedAt;
      // The restart meets a healthy peer with the same latency.
      await fake.clearFaults();
      await fake.fault({ kind: 'latency', ms: 30 });

      const restartedAt = Date.now();
      procs.push(await spawnService(env));
      await waitFor('the message log to have nothing left to send', () => {
        const unfinished = readLog(dbPath).filter((r) => (unfinishedStatuses as readonly string[]).includes(r.status));
        return Promise.resolve(unfinished.length === 0 ? true : undefined);
      }, 30000, 100);

      const published = await fake.published();
      const byOrder = publishCounts(published);
      const figures = deliveryFigures(burst, byOrder);
      const publishedBeforeKill = published.filter((p) => p.at <= kill).length;
      const faulted = (await fake.requests()).filter((r) => r.fault === 'error').length;
      console.log(
        formatFigures(
          `crash, ${scenario.name}`,
          figures,
          ` (published before the kill=${publishedBeforeKill}, unanswered=${[...burst.values()].filter((s) => s === 0).length}` +
            `${scenario.faults ? `, injected SNS errors=${faulted}` : ''})`,
        ),
      );

      // The kill really was in the middle: some webhooks were accepted, some never sent or answered.
      expect(figures.accepted2xx).to.be.greaterThan(0);
      expect(figures.accepted2xx).to.be.lessThan(count);
      expect(figures.lostIds, 'webhooks answered 2xx that SNS never received').to.deep.equal([]);
      // Each duplicate was published before the kill and again after the restart: it was in flight.
      for (const id of figures.duplicatedIds) {
        const times = (byOrder.get(id) ?? []).map((p) => p.at).sort((a, b) => a - b);
        expect(times, `publishes of ${id}`).to.have.lengthOf(2);
        // Stamped by this process's fake SNS, whose event loop can run late under load: the first
        // publish is judged against the restart (only the killed process existed before it).
        expect(times[0], `first publish of ${id}`).to.be.below(restartedAt);
        expect(times[1], `second publish of ${id}`).to.be.at.least(restartedAt);
      }
      expect(figures.duplicated).to.be.at.most(scenario.delivery === 'queued' ? dispatcherConcurrency : clients);
      // The log agrees: every row ended sent, and every accepted webhook has its row.
      const rows = readLog(dbPath);
      expect(rows.filter((r) => r.status !== 'sent').map((r) => r.status)).to.deep.equal([]);
      const logged = new Set(rows.map((r) => orderIdIn(r.body)));
      for (const [id, status] of burst) if (status >= 200 && status < 300) expect(logged.has(id), `row for ${id}`).to.equal(true);
      if (scenario.faults) expect(faulted, 'injected SNS errors answered').to.be.greaterThan(0);
    });
  }
});
