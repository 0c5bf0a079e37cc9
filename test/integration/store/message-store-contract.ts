import { expect } from 'chai';
import { GatewayError } from '../../../src/errors.js';
import type { MessageStore } from '../../../src/store/message-store.js';
import { createClock, newMessage, type StoreBackend } from '../../helpers/store-helpers.js';

const tutorialColumns = [
  'id',
  'recipient_number',
  'message_body',
  'media_url',
  'sns_message_id',
  'status',
  'submitted_at',
  'error_message',
  'updated_at',
];

const t0 = new Date('2025-01-01T00:00:00.000Z');
const at = (seconds: number): Date => new Date(t0.getTime() + seconds * 1000);

/** The MessageStore contract, run against one backend. */
export function messageStoreContract(backend: StoreBackend): void {
  let store: MessageStore;
  const extra: MessageStore[] = [];

  before(() => backend.setup());
  after(() => backend.teardown());
  beforeEach(async () => {
    store = await backend.open();
  });
  afterEach(async () => {
    await Promise.all([store, ...extra.splice(0)].map((s) => s.close()));
  });
  const another = async (): Promise<MessageStore> => {
    const s = backend.another();
    extra.push(s);
    await s.migrate();
    return s;
  };
  const claimAll = (now: Date) => store.claimDue(100, now, 30);

  describe('migrate()', () => {
    it('creates message_logs with every tutorial column, and is idempotent when run again', async () => {
      await store.migrate();
      await store.migrate();
      const columns = await backend.columns('message_logs');
      expect(columns).to.include.members(tutorialColumns);
      expect(columns).to.include.members(['template', 'idempotency_key', 'payload_hash', 'target_kind', 'attempts', 'lease_until']);
      const versions = await backend.query('SELECT version FROM schema_migrations');
      expect(versions.map((r) => Number(r.version))).to.deep.equal([1]);
    });
  });

  describe('accept()', () => {
    it('writes queued messages accepted and due now, with the whole text and the media URL apart', async () => {
      const m = newMessage({ idempotencyKey: 'k1' });
      const result = await store.accept([m], t0, 30);
      expect(result.kind).to.equal('created');
      const [row] = result.messages;
      expect(row).to.deep.include({
        id: m.id,
        status: 'accepted',
        attempts: 0,
        recipient: '+12065550100',
        body: 'Your order shipped.\nhttps://example.com/p.jpg',
        mediaUrl: 'https://example.com/p.jpg',
        idempotencyKey: 'k1',
        leaseUntil: null,
      });
      expect(row?.nextAttemptAt?.toISOString()).to.equal(t0.toISOString());
      expect(row?.attributes).to.deep.equal({ smsType: 'Transactional' });
      expect(await store.get(m.id)).to.deep.equal(row);
    });

    it('writes all messages of one request at once, a topic target kept whole', async () => {
      const target = { kind: 'topic', topicArn: 'arn:aws:sns:us-east-1:1:alerts.fifo', messageGroupId: 'g', messageDeduplicationId: 'd' } as const;
      const result = await store.accept([newMessage({ idempotencyKey: 'k' }), newMessage({ idempotencyKey: 'k', target })], t0, 30);
      expect(result.messages.map((m) => m.recipient)).to.deep.equal(['+12065550100', target.topicArn]);
      expect(result.messages[1]?.target).to.deep.equal(target);
      expect(await store.findByIdempotencyKey('mms', 'k')).to.have.length(2);
    });

    it('writes sync messages publishing under a lease, which the dispatcher reclaims once it expires', async () => {
      const m = newMessage({ delivery: 'sync' });
      const [row] = (await store.accept([m], t0, 30)).messages;
      expect(row?.status).to.equal('publishing');
      expect(row?.leaseUntil?.toISOString()).to.equal(at(30).toISOString());
      expect(await claimAll(at(29))).to.deep.equal([]);
      const [reclaimed] = await claimAll(at(31));
      expect(reclaimed?.id).to.equal(m.id);
      expect(reclaimed?.leaseUntil?.toISOString()).to.equal(at(61).toISOString());
    });

    it('writes nothing for a repeated key and answers duplicate with the first rows', async () => {
      const first = await store.accept([newMessage({ idempotencyKey: 'k' })], t0, 30);
      const again = await store.accept([newMessage({ idempotencyKey: 'k' })], at(5), 30);
      expect(again.kind).to.equal('duplicate');
      expect(again.messages.map((m) => m.id)).to.deep.equal(first.messages.map((m) => m.id));
      expect((await store.list({ limit: 10 })).messages).to.have.length(1);
    });

    it('answers conflict when the key comes back with another payload', async () => {
      await store.accept([newMessage({ idempotencyKey: 'k' })], t0, 30);
      const other = await store.accept([newMessage({ idempotencyKey: 'k', payloadHash: 'hash-2' })], t0, 30);
      expect(other.kind).to.equal('conflict');
      expect(other.messages[0]?.payloadHash).to.equal('hash-1');
    });

    it('scopes keys by template and writes every message without a key', async () => {
      await store.accept([newMessage({ idempotencyKey: 'k' })], t0, 30);
      expect((await store.accept([newMessage({ idempotencyKey: 'k', template: 'grafana' })], t0, 30)).kind).to.equal('created');
      expect((await store.accept([newMessage()], t0, 30)).kind).to.equal('created');
      expect((await store.accept([newMessage()], t0, 30)).kind).to.equal('created');
    });

    it('creates once when replicas accept the same key at the same time; the others get duplicate', async () => {
      const stores = [store, await another(), await another()];
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          (stores[i % 3] ?? store).accept([newMessage({ idempotencyKey: 'race' }), newMessage({ idempotencyKey: 'race', target: { kind: 'phone', phoneNumber: '+12065550199' } })], t0, 30),
        ),
      );
      expect(results.filter((r) => r.kind === 'created')).to.have.length(1);
      expect(results.filter((r) => r.kind === 'duplicate')).to.have.length(11);
      expect(await store.findByIdempotencyKey('mms', 'race')).to.have.length(2);
    });

    it('wakes in-process listeners when due messages are written, not for sync-only requests', async () => {
      let wakes = 0;
      const off = store.onWake(() => (wakes += 1));
      await store.accept([newMessage({ delivery: 'sync' })], t0, 30);
      expect(wakes).to.equal(0);
      await store.accept([newMessage()], t0, 30);
      expect(wakes).to.equal(1);
      off();
      await store.accept([newMessage()], t0, 30);
      expect(wakes).to.equal(1);
    });
  });

  describe('claimDue()', () => {
    it('leases due rows in the order they became due, up to the limit, and never twice while leased', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) ids.push((await store.accept([newMessage()], at(i), 30)).messages[0]?.id ?? '');
      const first = await store.claimDue(3, at(10), 30);
      expect(first.map((m) => m.id)).to.deep.equal(ids.slice(0, 3));
      expect(first.every((m) => m.status === 'publishing' && m.leaseUntil?.getTime() === at(40).getTime())).to.equal(true);
      const second = await store.claimDue(10, at(11), 30);
      expect(second.map((m) => m.id)).to.deep.equal(ids.slice(3));
      expect(await store.claimDue(10, at(12), 30)).to.deep.equal([]);
    });

    it('leaves rows not yet due, and reclaims rows whose lease expired (a crashed worker)', async () => {
      const [m] = (await store.accept([newMessage()], at(100), 30)).messages;
      expect(await claimAll(at(99))).to.deep.equal([]);
      expect(await claimAll(at(100))).to.have.length(1);
      expect(await claimAll(at(129))).to.deep.equal([]);
      const [again] = await claimAll(at(131));
      expect(again?.id).to.equal(m?.id);
      expect(again?.attempts).to.equal(0);
    });
  });

  describe('recordAttempt()', () => {
    const claimedId = async (): Promise<string> => {
      const [m] = (await store.accept([newMessage()], t0, 30)).messages;
      await claimAll(t0);
      return m?.id ?? '';
    };

    it('records sent with the SNS MessageId, counts the attempt and clears the lease', async () => {
      const id = await claimedId();
      const row = await store.recordAttempt(id, { status: 'sent', snsMessageId: 'sns-1' }, at(1));
      expect(row).to.deep.include({ status: 'sent', attempts: 1, snsMessageId: 'sns-1', leaseUntil: null, nextAttemptAt: null });
      expect(row?.sentAt?.toISOString()).to.equal(at(1).toISOString());
      expect(row?.updatedAt.toISOString()).to.equal(at(1).toISOString());
    });

    it('records retrying with the error and the next attempt time, which claimDue honours', async () => {
      const id = await claimedId();
      const row = await store.recordAttempt(id, { status: 'retrying', errorCode: 'Throttled', errorMessage: 'slow down', nextAttemptAt: at(60) }, at(1));
      expect(row).to.deep.include({ status: 'retrying', attempts: 1, errorCode: 'Throttled', errorMessage: 'slow down', leaseUntil: null });
      expect(await claimAll(at(59))).to.deep.equal([]);
      expect(await claimAll(at(60))).to.have.length(1);
    });

    it('records failed, dead and opted_out as final', async () => {
      for (const outcome of [
        { status: 'failed', errorCode: 'InvalidParameter', errorMessage: 'bad number' },
        { status: 'dead', errorCode: 'Throttled', errorMessage: 'gave up' },
        { status: 'opted_out' },
      ] as const) {
        const id = await claimedId();
        const row = await store.recordAttempt(id, outcome, at(1));
        expect(row).to.deep.include({ status: outcome.status, attempts: 1, nextAttemptAt: null });
      }
      expect(await claimAll(at(1000))).to.deep.equal([]);
    });

    it('records deferred as retrying at the given time without counting an attempt, keeping the last error', async () => {
      const id = await claimedId();
      await store.recordAttempt(id, { status: 'retrying', errorCode: 'Throttled', errorMessage: 'slow', nextAttemptAt: at(1) }, at(1));
      await claimAll(at(2));
      const row = await store.recordAttempt(id, { status: 'deferred', nextAttemptAt: at(30) }, at(2));
      expect(row).to.deep.include({ status: 'retrying', attempts: 1, errorCode: 'Throttled', leaseUntil: null });
      expect(row?.nextAttemptAt?.toISOString()).to.equal(at(30).toISOString());
    });

    it('answers undefined for a message that is not publishing (another worker finished it)', async () => {
      const id = await claimedId();
      await store.recordAttempt(id, { status: 'sent', snsMessageId: 'a' }, at(1));
      expect(await store.recordAttempt(id, { status: 'sent', snsMessageId: 'b' }, at(2))).to.equal(undefined);
      expect((await store.get(id))?.snsMessageId).to.equal('a');
      expect(await store.recordAttempt('nope', { status: 'opted_out' }, at(2))).to.equal(undefined);
    });
  });

  describe('requeue()', () => {
    it('requeues a dead message as due now, keeping its attempt count, and wakes listeners', async () => {
      const [m] = (await store.accept([newMessage()], t0, 30)).messages;
      const id = m?.id ?? '';
      await claimAll(t0);
      await store.recordAttempt(id, { status: 'dead', errorCode: 'Throttled', errorMessage: 'gave up' }, at(1));
      let wakes = 0;
      store.onWake(() => (wakes += 1));
      const row = await store.requeue(id, at(100));
      expect(row).to.deep.include({ status: 'retrying', attempts: 1 });
      expect(row?.nextAttemptAt?.toISOString()).to.equal(at(100).toISOString());
      expect(wakes).to.equal(1);
      expect((await claimAll(at(100))).map((r) => r.id)).to.deep.equal([id]);
    });

    it('answers undefined for messages that are not failed or dead', async () => {
      const [m] = (await store.accept([newMessage()], t0, 30)).messages;
      expect(await store.requeue(m?.id ?? '', at(1))).to.equal(undefined);
      expect(await store.requeue('missing', at(1))).to.equal(undefined);
    });
  });

  describe('list()', () => {
    beforeEach(async () => {
      for (let i = 0; i < 25; i += 1) {
        const phoneNumber = i % 5 === 0 ? '+12065550155' : '+12065550100';
        await store.accept([newMessage({ template: i % 2 === 0 ? 'mms' : 'grafana', target: { kind: 'phone', phoneNumber } })], at(i), 30);
      }
      // Two rows with the same submitted_at: the id breaks the tie.
      await store.accept([newMessage(), newMessage()], at(10), 30);
    });

    it('pages newest first with an opaque cursor, visiting every row once', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.list({ limit: 10, ...(cursor === undefined ? {} : { cursor }) });
        seen.push(...page.messages.map((m) => m.id));
        cursor = page.nextCursor ?? undefined;
        pages += 1;
      } while (cursor !== undefined);
      expect(pages).to.equal(3);
      expect(new Set(seen).size).to.equal(27);
      const all = (await store.list({ limit: 100 })).messages;
      expect(all.map((m) => m.id)).to.deep.equal(seen);
      const keys = all.map((m) => `${m.submittedAt.toISOString()} ${m.id}`);
      expect(keys).to.deep.equal([...keys].sort().reverse());
    });

    it('filters by template, recipient, status and submission time', async () => {
      expect((await store.list({ template: 'grafana', limit: 100 })).messages).to.have.length(12);
      expect((await store.list({ recipient: '+12065550155', limit: 100 })).messages).to.have.length(5);
      await claimAll(at(100));
      expect((await store.list({ status: 'publishing', limit: 100 })).messages).to.have.length(27);
      expect((await store.list({ status: 'accepted', limit: 100 })).messages).to.have.length(0);
      const window = await store.list({ since: at(5), until: at(10), limit: 100 });
      expect(window.messages.map((m) => m.submittedAt.getTime())).to.deep.equal([9, 8, 7, 6, 5].map((s) => at(s).getTime()));
      const combined = await store.list({ template: 'mms', recipient: '+12065550155', since: at(1), limit: 100 });
      expect(combined.messages.map((m) => m.submittedAt.getTime())).to.deep.equal([20, 10].map((s) => at(s).getTime()));
    });

    it('refuses a cursor it did not make', async () => {
      const err: unknown = await store.list({ limit: 5, cursor: 'bm90LWEtY3Vyc29y' }).then(() => undefined, (e: unknown) => e);
      expect(err).to.be.instanceOf(GatewayError);
      expect((err as GatewayError).code).to.equal('SNSGATE_QUERY_INVALID');
    });
  });

  describe('depth()', () => {
    it('counts rows by status and reports how long the oldest due message has waited', async () => {
      await store.accept([newMessage()], at(0), 30);
      await store.accept([newMessage()], at(10), 30);
      await store.accept([newMessage()], at(500), 30);
      await store.accept([newMessage({ delivery: 'sync' })], at(0), 30);
      const depth = await store.depth(at(100));
      expect(depth.byStatus).to.deep.equal({ accepted: 3, publishing: 1, sent: 0, retrying: 0, failed: 0, opted_out: 0, dead: 0 });
      expect(depth.oldestDueAgeSeconds).to.equal(100);
      expect((await store.depth(at(-1))).oldestDueAgeSeconds).to.equal(0);
    });
  });

  describe('purge()', () => {
    it('deletes only finished rows older than the cutoff, batch after batch', async () => {
      const clock = createClock(t0);
      const finished: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        const [m] = (await store.accept([newMessage()], clock.now(), 30)).messages;
        await claimAll(clock.now());
        await store.recordAttempt(m?.id ?? '', i % 2 === 0 ? { status: 'sent', snsMessageId: `s${i}` } : { status: 'opted_out' }, clock.now());
        finished.push(m?.id ?? '');
      }
      const [recent] = (await store.accept([newMessage()], at(3600), 30)).messages;
      await claimAll(at(3600));
      await store.recordAttempt(recent?.id ?? '', { status: 'sent', snsMessageId: 'r' }, at(3600));
      await store.accept([newMessage()], t0, 30);
      expect(await store.purge(at(60), 2)).to.equal(5);
      const left = (await store.list({ limit: 100 })).messages.map((m) => m.status).sort();
      expect(left).to.deep.equal(['accepted', 'sent']);
      expect(await store.purge(at(60), 2)).to.equal(0);
    });
  });

  describe('ping() and close()', () => {
    it('answers while open and throws once closed', async () => {
      await store.ping();
      const s = await another();
      await s.close();
      const err: unknown = await s.ping().then(() => undefined, (e: unknown) => e);
      expect(err).to.be.instanceOf(Error);
    });
  });
}
