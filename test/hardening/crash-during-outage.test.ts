import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { startFakeSns, type FakeSns } from '../helpers/fake-sns-server.js';
import { spawnService, type ServiceProcess } from '../helpers/spawn-service.js';
import { testSecrets } from '../helpers/sign-webhook.js';
import { shippedSources } from '../helpers/test-service.js';
import { closeAgent, jsonOf, longMode, looseLimits, printFigures, scaled, send, Tally, waitFor } from './hardening-kit.js';
import { signCase, webhookCases } from './webhook-cases.js';

const order = webhookCases.find((c) => c.template === 'order-shipped')!;

/**
 * A variant of test/integration/process/crash.test.ts (which kills during a burst with SNS healthy
 * or briefly faulty): here SNS is fully down before, during and after the kill, so the breaker is
 * open and the backlog sits deferred or leased in the log when the process dies; the restarted
 * process starts with a closed breaker into the same outage. When SNS returns, every accepted
 * message must go out exactly once: nothing reached SNS before the kill, so nothing may be doubled.
 */
describe('hardening: kill -9 during a full SNS outage, restart into the outage (queued, SQLite)', function () {
  this.timeout(longMode ? 300_000 : 90_000);
  let dir = '';
  let fake: FakeSns;
  const procs: ServiceProcess[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'snsgate-crash-outage-'));
    fake = await startFakeSns({ port: 0 });
  });
  after(async () => {
    closeAgent();
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses nothing accepted and sends nothing twice', async () => {
    const dbPath = join(dir, 'log.db');
    const configPath = join(dir, 'snsgate.yaml');
    writeFileSync(
      configPath,
      JSON.stringify({
        sources: shippedSources,
        templates: { dirs: ['templates'] },
        limits: looseLimits,
        publisher: {
          sns: { maxAttempts: 1, requestTimeoutMs: 300, connectionTimeoutMs: 300, callTimeoutMs: 600 },
          breaker: { volumeThreshold: 5, resetTimeoutMs: 500, rollingWindowMs: 2000 },
          rateLimit: { messagesPerSecond: 0 },
        },
        dispatcher: { pollIntervalMs: 50, leaseSeconds: 2, backoffBaseMs: 100, backoffMaxMs: 2000, maxAttempts: 10 },
      }),
    );
    const env = {
      SNSGATE_CONFIG: configPath,
      DATABASE_URL: `sqlite:${dbPath}`,
      SNSGATE_PUBLISHER: 'sns',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL_SNS: fake.url,
      STANDARD_WEBHOOK_SECRET: testSecrets['standard-webhooks'].current,
      LOG_LEVEL: 'warn',
    };
    fake.setFault({ kind: 'outage' });
    const first = await spawnService(env);
    procs.push(first);

    const count = scaled(80, 800);
    const accepted = new Map<string, string>();
    const answers = new Tally();
    const post = async (url: string, n: number): Promise<number> => {
      const token = `TOKEN-crash-${n}`;
      const body = JSON.stringify(order.payload(token));
      try {
        const res = await send(url, {
          method: 'POST',
          path: '/webhooks/order-shipped',
          headers: { 'content-type': 'application/json', ...(await signCase(order, body, { id: token })) },
          body: Buffer.from(body),
        }, 10_000);
        answers.add(res.status);
        if (res.status === 202 || res.status === 200) for (const m of jsonOf(res).messages as { id: string }[]) accepted.set(m.id, token);
        return res.status;
      } catch {
        answers.add('connection lost');
        return 0;
      }
    };
    let next = 0;
    let killedAt: number | undefined;
    const unanswered: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < count) {
          const n = next++;
          if (n === Math.floor(count / 2) && killedAt === undefined) {
            // Let the dispatcher meet the outage and open the breaker first.
            await new Promise((r) => setTimeout(r, 700));
            killedAt = Date.now();
            first.child.kill('SIGKILL');
          }
          const status = killedAt === undefined ? await post(first.url, n) : 0;
          if (status !== 202 && status !== 200) unanswered.push(n);
        }
      }),
    );
    expect(await first.exited).to.equal('SIGKILL');
    const beforeRestart = fake.published.length;

    // The restart meets the same outage; the senders retry what got no 2xx (same webhook-id).
    const second = await spawnService({ ...env, PORT: new URL(first.url).port });
    procs.push(second);
    for (const n of unanswered) expect(await post(second.url, n), `retry of ${n}`).to.be.oneOf([200, 202]);
    await new Promise((r) => setTimeout(r, scaled(1500, 20_000)));
    const faults = fake.requests.filter((r) => r.fault !== undefined).length;
    fake.clearFaults();

    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      const statusOf = db.prepare('SELECT status FROM message_logs WHERE id = ?');
      await waitFor('every accepted message sent', () =>
        [...accepted.keys()].every((id) => (statusOf.get(id) as { status: string } | undefined)?.status === 'sent') ? true : undefined,
      30_000, 100);
    } finally {
      db.close();
    }
    const taken = new Tally();
    for (const p of fake.published) taken.add(/TOKEN-crash-\d+/.exec(p.message)?.[0] ?? 'other');
    const tokens = new Set(accepted.values());
    const lost = [...tokens].filter((t) => taken.get(t) === 0);
    const duplicated = [...tokens].filter((t) => taken.get(t) > 1);
    printFigures('kill -9 during a full SNS outage', {
      webhooks: `${count} sent, answers ${JSON.stringify(answers)}; ${unanswered.length} retried by the sender after the restart`,
      outage: `SNS down from before the start until ${scaled(1500, 20_000)} ms after the restart; ${faults} requests refused; ${beforeRestart} publishes before the restart`,
      messages: `accepted ${tokens.size}, delivered ${tokens.size - lost.length}, lost ${lost.length}, duplicated ${duplicated.length}`,
    });
    expect(beforeRestart).to.equal(0);
    expect(lost).to.deep.equal([]);
    expect(duplicated).to.deep.equal([]);
    expect(tokens.size).to.equal(count);
  });
});
