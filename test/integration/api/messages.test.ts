import { expect } from 'chai';
import type { FakeSns } from '../../helpers/fake-sns-server.js';
import { useServiceOnFakeSns, type TestService } from '../../helpers/test-service.js';
import {
  examplePayload,
  freshUsNumber,
  jsonAnswer,
  keys,
  namedKeysConfig,
  postJson,
  problem,
  publishOf,
  tutorialKey,
  waitFor,
  waitForFinal,
  type SendAnswer,
} from './api-kit.js';

/** A message as `GET /v1/messages/:id` shows it. */
interface MessageView {
  readonly id: string;
  readonly template: string;
  readonly status: string;
  readonly recipient: string;
  readonly attempts: number;
  readonly snsMessageId: string | null;
  readonly error: { code: string; message: string } | null;
  readonly submittedAt: string;
}

interface MessagePage {
  readonly messages: MessageView[];
  readonly nextCursor: string | null;
}

const read = { 'x-api-key': keys.reader };
const admin = { 'x-api-key': keys.admin };

function mms(phoneNumber: string, messageBody = 'Your photos are ready'): Record<string, string> {
  return { phoneNumber, messageBody, mediaUrl: 'https://cdn.example.com/album/7.jpg' };
}

/** Sends one mms through `/v1/send/mms` and returns the message id (whatever the answer's status). */
async function sendOne(t: TestService, path: string, body: unknown): Promise<string> {
  const res = await postJson(t, path, body, { 'x-api-key': tutorialKey });
  const answer = (await res.json()) as Partial<SendAnswer> & { messageIds?: string[] };
  const id = answer.messages?.[0]?.id ?? answer.messageIds?.[0];
  if (id === undefined) throw new Error(`no message id in a ${res.status} answer: ${JSON.stringify(answer)}`);
  return id;
}

async function getMessage(t: TestService, id: string, headers: Record<string, string> = read): Promise<MessageView> {
  return jsonAnswer<MessageView>(await t.fetch(`/v1/messages/${id}`, { headers }), 200);
}

async function listPage(t: TestService, query: string): Promise<MessagePage> {
  return jsonAnswer<MessagePage>(await t.fetch(`/v1/messages?${query}`, { headers: read }), 200);
}

describe('GET /v1/messages/:id', () => {
  let sns: FakeSns;
  let t: TestService;

  useServiceOnFakeSns({ config: namedKeysConfig }, (running) => ({ sns, t } = running));
  afterEach(() => sns.clearFaults());

  it('shows a sent message with its status, attempts and SNS MessageId', async () => {
    const phone = freshUsNumber();
    const id = await sendOne(t, '/v1/send/mms?mode=sync', mms(phone));
    const view = await getMessage(t, id);
    expect(view).to.include({ id, template: 'mms', status: 'sent', recipient: phone, attempts: 1, error: null });
    expect(publishOf(sns, view.snsMessageId).phoneNumber).to.equal(phone);
  });

  it("shows a failed message with SNS's error code and message", async () => {
    sns.setFault({ kind: 'error', code: 'InvalidParameter', message: 'Invalid parameter: PhoneNumber Reason: blocked destination' }, { times: 1 });
    const id = await sendOne(t, '/v1/send/mms?mode=sync', mms(freshUsNumber()));
    const view = await getMessage(t, id);
    expect(view).to.include({ status: 'failed', attempts: 1, snsMessageId: null });
    expect(view.error).to.deep.equal({ code: 'InvalidParameterException', message: 'Invalid parameter: PhoneNumber Reason: blocked destination' });
  });

  it('answers 404 for an unknown id and 401 without a key', async () => {
    await problem(await t.fetch('/v1/messages/01a241f3-0000-7000-8000-000000000000', { headers: read }), 404, 'SNSGATE_MESSAGE_NOT_FOUND');
    await problem(await t.fetch('/v1/messages/01a241f3-0000-7000-8000-000000000000'), 401, 'SNSGATE_AUTH_REQUIRED');
  });
});

describe('GET /v1/messages', () => {
  let sns: FakeSns;
  let t: TestService;
  const alice = freshUsNumber();
  const bob = freshUsNumber();
  const carol = freshUsNumber();
  let early: string[] = [];
  let late: string[] = [];
  let bobOrders: string[] = [];
  let carolFailed = '';
  let boundary = '';

  useServiceOnFakeSns({ config: namedKeysConfig }, (running) => ({ sns, t } = running));
  before(async () => {
    for (let i = 0; i < 3; i++) early.push(await sendOne(t, '/v1/send/mms?mode=sync', mms(alice, `early ${i}`)));
    // A clear millisecond boundary between the two batches, taken from the log itself.
    const lastEarly = await t.service.store.get(early.at(-1) ?? '');
    await waitFor('the clock to pass the first batch', () => (Date.now() > (lastEarly?.submittedAt.getTime() ?? 0) + 2 ? true : undefined));
    for (let i = 0; i < 2; i++) late.push(await sendOne(t, '/v1/send/mms?mode=sync', mms(alice, `late ${i}`)));
    boundary = (await t.service.store.get(late[0] ?? ''))?.submittedAt.toISOString() ?? '';
    for (let i = 0; i < 2; i++) {
      const order = examplePayload('order-shipped', 'ups-two-items') as { data: { customer: Record<string, unknown> } };
      order.data.customer.phone = bob;
      bobOrders.push(await sendOne(t, '/v1/send/order-shipped', order));
    }
    await waitForFinal(t, bobOrders);
    sns.setFault({ kind: 'error', code: 'InvalidParameter' }, { times: 1 });
    carolFailed = await sendOne(t, '/v1/send/mms?mode=sync', mms(carol));
  });
  after(() => {
    early = [];
    late = [];
    bobOrders = [];
  });

  const filters: { what: string; query: () => string; expected: () => string[] }[] = [
    { what: 'status', query: () => 'status=failed', expected: () => [carolFailed] },
    { what: 'template', query: () => 'template=order-shipped', expected: () => [...bobOrders].reverse() },
    { what: 'recipient', query: () => `recipient=${encodeURIComponent(alice)}`, expected: () => [...early, ...late].reverse() },
    { what: 'template and recipient', query: () => `template=mms&recipient=${encodeURIComponent(bob)}`, expected: () => [] },
    { what: 'since (inclusive)', query: () => `recipient=${encodeURIComponent(alice)}&since=${boundary}`, expected: () => [...late].reverse() },
    { what: 'until (exclusive)', query: () => `recipient=${encodeURIComponent(alice)}&until=${boundary}`, expected: () => [...early].reverse() },
  ];
  for (const filter of filters) {
    it(`filters by ${filter.what}, newest first`, async () => {
      const page = await listPage(t, filter.query());
      expect(page.messages.map((m) => m.id)).to.deep.equal(filter.expected());
      expect(page.nextCursor).to.equal(null);
    });
  }

  it('pages through the whole log with its cursor: every message once, none missing, newest first', async () => {
    const everything = (await t.service.store.list({ limit: 500 })).messages;
    expect(everything).to.have.length(8);
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let cursor: string | null = null;
    do {
      const page: MessagePage = await listPage(t, `limit=3${cursor === null ? '' : `&cursor=${cursor}`}`);
      seen.push(...page.messages.map((m) => m.id));
      pageSizes.push(page.messages.length);
      cursor = page.nextCursor;
    } while (cursor !== null && pageSizes.length < 10);
    expect(pageSizes).to.deep.equal([3, 3, 2]);
    expect(seen).to.deep.equal(everything.map((m) => m.id));
    expect(new Set(seen).size).to.equal(seen.length);
  });

  it('pages a filtered list with the same filter on every page', async () => {
    const first = await listPage(t, `recipient=${encodeURIComponent(alice)}&limit=2`);
    const second = await listPage(t, `recipient=${encodeURIComponent(alice)}&limit=2&cursor=${first.nextCursor ?? ''}`);
    const third = await listPage(t, `recipient=${encodeURIComponent(alice)}&limit=2&cursor=${second.nextCursor ?? ''}`);
    expect([first, second, third].flatMap((p) => p.messages.map((m) => m.id))).to.deep.equal([...early, ...late].reverse());
    expect(third.nextCursor).to.equal(null);
  });

  for (const [query, names] of [
    ['status=lost', 'status'],
    ['since=yesterday', 'since'],
    ['until=2026-13-45T99:00:00Z', 'until'],
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['limit=ten', 'limit'],
    ['cursor=not-a-cursor', 'cursor'],
    ['template=mms&template=grafana', 'template'],
  ] as const) {
    it(`answers 400 naming the parameter for ${query}`, async () => {
      const body = await problem(await t.fetch(`/v1/messages?${query}`, { headers: read }), 400, 'SNSGATE_QUERY_INVALID');
      expect(body.detail).to.include(names);
    });
  }
});

describe('POST /v1/messages/:id/retry', () => {
  let sns: FakeSns;
  let t: TestService;

  const config = { ...namedKeysConfig, publisher: { sns: { maxAttempts: 1 } }, dispatcher: { maxAttempts: 1 } };
  useServiceOnFakeSns({ config }, (running) => ({ sns, t } = running));
  afterEach(() => sns.clearFaults());

  for (const [who, key] of [
    ['the tutorial key (send and read)', tutorialKey],
    ['a read-only key', keys.reader],
    ['a send-only key', keys.ordersOnly],
  ] as const) {
    it(`answers 403 to ${who}: retrying needs the admin scope`, async () => {
      sns.setFault({ kind: 'error', code: 'InvalidParameter' }, { times: 1 });
      const id = await sendOne(t, '/v1/send/mms?mode=sync', mms(freshUsNumber()));
      const body = await problem(await postJson(t, `/v1/messages/${id}/retry`, '', { 'x-api-key': key }), 403, 'SNSGATE_AUTH_FORBIDDEN');
      expect(body.detail).to.include('admin');
      expect((await t.service.store.get(id))?.status).to.equal('failed');
    });
  }

  it('revives a failed message: requeued at once, then sent by the dispatcher once SNS takes it', async () => {
    const phone = freshUsNumber();
    sns.setFault({ kind: 'error', code: 'InvalidParameter' }, { times: 1 });
    const id = await sendOne(t, '/v1/send/mms?mode=sync', mms(phone));
    expect((await getMessage(t, id)).status).to.equal('failed');
    sns.clearFaults();

    const requeued = await jsonAnswer<MessageView>(await postJson(t, `/v1/messages/${id}/retry`, '', admin), 202);
    expect(requeued).to.include({ id, status: 'retrying' });
    const [row] = await waitForFinal(t, [id]);
    expect(row).to.include({ status: 'sent', attempts: 2 });
    expect(publishOf(sns, row?.snsMessageId).phoneNumber).to.equal(phone);
    expect((await getMessage(t, id)).error).to.equal(null);
  });

  it('revives a dead message whose retryable failures used up its attempts', async () => {
    const phone = freshUsNumber();
    sns.setFault({ kind: 'error', code: 'InternalError' });
    const id = await sendOne(t, '/v1/send/mms', mms(phone));
    await waitFor('the message to be dead', async () => ((await t.service.store.get(id))?.status === 'dead' ? true : undefined));
    sns.clearFaults();

    await jsonAnswer<MessageView>(await postJson(t, `/v1/messages/${id}/retry`, '', admin), 202);
    const [row] = await waitForFinal(t, [id]);
    expect(row?.status).to.equal('sent');
    expect(publishOf(sns, row?.snsMessageId).phoneNumber).to.equal(phone);
  });

  it('refuses to retry a sent message with 409', async () => {
    const id = await sendOne(t, '/v1/send/mms?mode=sync', mms(freshUsNumber()));
    const body = await problem(await postJson(t, `/v1/messages/${id}/retry`, '', admin), 409, 'SNSGATE_MESSAGE_NOT_RETRYABLE');
    expect(body.detail).to.include('sent');
    expect((await t.service.store.get(id))?.attempts).to.equal(1);
  });

  it('answers 404 for an unknown message', async () => {
    await problem(await postJson(t, '/v1/messages/01a241f3-0000-7000-8000-000000000000/retry', '', admin), 404, 'SNSGATE_MESSAGE_NOT_FOUND');
  });
});
