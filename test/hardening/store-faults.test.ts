import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, closeSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import pg from 'pg';
import { startFakeSns, type FakeSns } from '../helpers/fake-sns-server.js';
import { postgresBackend, testDatabaseUrl, type StoreBackend } from '../helpers/store-helpers.js';
import { startTestService, type TestService } from '../helpers/test-service.js';
import { auditDelivery, type Accepted } from './delivery-audit.js';
import { closeAgent, jsonOf, longMode, looseLimits, printFigures, scaled, send, Tally, waitFor, type RawResponse } from './hardening-kit.js';
import { signCase, webhookCases } from './webhook-cases.js';

const order = webhookCases.find((c) => c.template === 'order-shipped')!;

/** A TCP proxy in front of PostgreSQL that can go down (refusing and cutting connections) and come back. */
interface DbProxy {
  readonly port: number;
  /** Local ports of the proxy's connections to PostgreSQL (pg_stat_activity.client_port). */
  upstreamPorts(): number[];
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

async function startDbProxy(target: URL): Promise<DbProxy> {
  const sockets = new Set<Socket>();
  const upstreams = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = async (): Promise<void> => {
    const s = createServer((client) => {
      const upstream = connect(Number(target.port || 5432), target.hostname);
      sockets.add(client).add(upstream);
      upstreams.add(upstream);
      const drop = (): void => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
        upstreams.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => s.listen(port, '127.0.0.1', resolve));
    const address = s.address();
    port = typeof address === 'object' && address !== null ? address.port : port;
    server = s;
  };
  await listen();
  const down = async (): Promise<void> => {
    const s = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (s !== undefined) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  return {
    port,
    upstreamPorts: () => [...upstreams].map((u) => u.localPort ?? 0).filter((p) => p > 0),
    down,
    up: listen,
    close: down,
  };
}

function tryMountTmpfs(dir: string, size: string): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    return `cannot mount a small tmpfs to fill (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); needs root with CAP_SYS_ADMIN`;
  }
}

/** Fills the filesystem of `dir` with a file until the OS says it is full. */
function fill(dir: string): string {
  const file = join(dir, 'filler');
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, block);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
  return file;
}

describe('hardening: the message log unavailable', function () {
  this.timeout(longMode ? 600_000 : 90_000);
  let fake: FakeSns;
  const rows: Record<string, unknown> = {};

  before(async () => {
    fake = await startFakeSns({ port: 0 });
  });
  after(async () => {
    closeAgent();
    await fake.close();
    printFigures('message log unavailable', rows);
  });

  /** Posts a signed order-shipped webhook whose SMS carries `token`; the webhook-id is the token (a sender's retry reuses it). */
  async function webhook(t: TestService, token: string): Promise<RawResponse> {
    const body = JSON.stringify(order.payload(token));
    return send(t.url, {
      method: 'POST',
      path: '/webhooks/order-shipped',
      headers: { 'content-type': 'application/json', ...(await signCase(order, body, { id: token })) },
      body: Buffer.from(body),
    }, 15_000);
  }

  /**
   * Sends webhooks before, during and after an outage made by `breakIt`/`fixIt`. During it, every
   * answer must be 202 or 503 (never 500); afterwards the service must accept again by itself, and
   * a sender that retries its 503s (same webhook-id) must end with every delivery sent exactly once.
   */
  async function outage(t: TestService, name: string, breakIt: () => Promise<void>, fixIt: () => Promise<void>, outageMs: number): Promise<void> {
    fake.reset();
    // Short: the token goes into orderId (at most 64 characters).
    const slug = name.replace(/\W+/g, '').slice(0, 16);
    const accepted: Accepted[] = [];
    const refused: string[] = [];
    const answers = new Tally();
    let n = 0;
    const post = async (): Promise<RawResponse> => {
      const token = `TOKEN-${slug}-${++n}`;
      const res = await webhook(t, token);
      answers.add(res.status);
      expect(res.status, res.body.toString().slice(0, 300)).to.be.oneOf([202, 503]);
      if (res.status === 202) for (const m of jsonOf(res).messages as { id: string }[]) accepted.push({ id: m.id, token });
      else {
        expect(jsonOf(res).code).to.equal('SNSGATE_STORE_UNAVAILABLE');
        expect(res.headers['retry-after']).to.match(/^\d+$/);
        refused.push(token);
      }
      return res;
    };
    for (let i = 0; i < 10; i++) expect((await post()).status).to.equal(202);
    await breakIt();
    const until = Date.now() + outageMs;
    let during = 0;
    while (Date.now() < until) {
      await post();
      during += 1;
      await new Promise((r) => setTimeout(r, 50));
    }
    const ready = await send(t.url, { method: 'GET', path: '/readyz' });
    await fixIt();
    const fixedAt = Date.now();
    await waitFor('webhooks accepted again', async () => ((await webhook(t, `TOKEN-probe-${slug}-${fixedAt}`)).status === 202 ? true : undefined), 20_000, 200);
    const recoveredMs = Date.now() - fixedAt;
    // The probe was accepted too: account for it.
    const probes = await t.service.store.list({ limit: 500 });
    for (const m of probes.messages.filter((x) => x.body.includes(`TOKEN-probe-${slug}-${fixedAt}`))) accepted.push({ id: m.id, token: `TOKEN-probe-${slug}-${fixedAt}` });
    // The sender retries what got 503: same webhook-id, same body.
    for (const token of refused) {
      const res = await webhook(t, token);
      expect(res.status).to.be.oneOf([200, 202]);
      const messages = jsonOf(res).messages as { id: string }[];
      for (const m of messages) if (!accepted.some((a) => a.id === m.id)) accepted.push({ id: m.id, token });
    }
    for (let i = 0; i < 5; i++) expect((await post()).status).to.equal(202);
    const audit = await auditDelivery(t.service.store, fake, accepted, 30_000);
    rows[name] =
      `outage ${outageMs} ms, ${during} webhooks during it; answers ${JSON.stringify(answers)}; /readyz during: ${ready.status}; ` +
      `accepting again ${recoveredMs} ms after the fix; retried ${refused.length} refused; ` +
      `accepted ${audit.accepted}, delivered ${audit.delivered}, lost ${audit.lost}, duplicated ${audit.duplicated}`;
    expect(answers.get(500), '500 answers').to.equal(0);
    expect(answers.get(503), 'some webhooks met the outage').to.be.above(0);
    expect(audit.lost, audit.notSent.slice(0, 5).join(', ')).to.equal(0);
    expect(audit.notSent).to.deep.equal([]);
    expect(audit.duplicates).to.deep.equal([]);
    const errors = t.logs().filter((l) => l.message === 'unexpected error');
    expect(errors, 'programmer errors').to.deep.equal([]);
  }

  describe('SQLite on a full disk (a small tmpfs filled up)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'snsgate-full-'));
    const mnt = join(dir, 'mnt');
    let skipReason: string | undefined;
    let t: TestService | undefined;
    let filler: string | undefined;

    before(async function () {
      mkdirSync(mnt);
      skipReason = tryMountTmpfs(mnt, '8m');
      if (skipReason !== undefined) {
        rows['SQLite, disk full'] = `skipped: ${skipReason}`;
        this.skip();
      }
      t = await startTestService({
        snsEndpoint: fake.url,
        config: { store: { url: `sqlite:${join(mnt, 'log.db')}` }, limits: looseLimits, dispatcher: { pollIntervalMs: 50 } },
      });
      t.service.logger.level = 'warn';
    });
    after(async () => {
      await t?.close();
      if (skipReason === undefined) execFileSync('umount', [mnt]);
      rmSync(dir, { recursive: true, force: true });
    });

    it('answers webhooks 503 (not 500) while the disk is full, loses nothing accepted, and recovers by itself when space is freed', async () => {
      const service = t!;
      await outage(
        service,
        'SQLite, disk full',
        () => {
          filler = fill(mnt);
          const free = statfsSync(mnt);
          expect(free.bavail * free.bsize).to.be.below(64 * 1024);
          return Promise.resolve();
        },
        () => {
          if (filler !== undefined) rmSync(filler);
          return Promise.resolve();
        },
        scaled(1500, 20_000),
      );
    });
  });

  describe('PostgreSQL going away mid-run', () => {
    let backend: StoreBackend | undefined;
    let proxy: DbProxy | undefined;
    let t: TestService | undefined;
    let admin: pg.Client | undefined;

    before(async function () {
      if (testDatabaseUrl === undefined) {
        rows.PostgreSQL = 'skipped: TEST_DATABASE_URL is not set (CI sets it; .ci/run starts PostgreSQL)';
        this.skip();
      }
      const base = new URL(testDatabaseUrl);
      backend = postgresBackend(() => testDatabaseUrl ?? '');
      await backend.setup();
      proxy = await startDbProxy(base);
      const proxied = new URL(backend.url());
      proxied.hostname = '127.0.0.1';
      proxied.port = String(proxy.port);
      admin = new pg.Client({ connectionString: testDatabaseUrl });
      await admin.connect();
      t = await startTestService({
        snsEndpoint: fake.url,
        // The abuse limits live in PostgreSQL too: their pool meets the same outage.
        config: { store: { url: proxied.toString() }, limits: { ...looseLimits, backend: 'postgres' }, dispatcher: { pollIntervalMs: 50 } },
      });
      t.service.logger.level = 'warn';
    });
    after(async () => {
      await t?.close();
      await proxy?.close();
      await admin?.end();
      await backend?.teardown();
    });

    it("answers webhooks 503 while its connections are terminated (pg_terminate_backend), and recovers by itself", async () => {
      const service = t!;
      let terminated = 0;
      let stop = false;
      let killer: Promise<void> = Promise.resolve();
      await outage(
        service,
        'PostgreSQL, backends terminated repeatedly',
        () => {
          killer = (async () => {
            while (!stop) {
              const ports = proxy!.upstreamPorts();
              if (ports.length > 0) {
                const { rowCount } = await admin!.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE client_port = ANY($1::int[]) AND pid <> pg_backend_pid()', [ports]);
                terminated += rowCount ?? 0;
              }
              await new Promise((r) => setTimeout(r, 20));
            }
          })();
          return Promise.resolve();
        },
        async () => {
          stop = true;
          await killer;
        },
        scaled(1500, 20_000),
      );
      rows['PostgreSQL, backends terminated repeatedly'] = `${String(rows['PostgreSQL, backends terminated repeatedly'])}; ${terminated} backends terminated`;
      expect(terminated).to.be.above(0);
    });

    it('answers webhooks 503 while PostgreSQL is unreachable (restart), and recovers by itself when it is back', async () => {
      await outage(t!, 'PostgreSQL, down and back', () => proxy!.down(), () => proxy!.up(), scaled(2000, 30_000));
    });
  });
});
