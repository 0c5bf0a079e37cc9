import { expect } from 'chai';
import { startFakeSns, type FakeFault, type FakeSns } from '../helpers/fake-sns-server.js';
import { startTestService, testEnv, type TestService } from '../helpers/test-service.js';
import { auditDelivery, peakRate, type Accepted } from './delivery-audit.js';
import { closeAgent, jsonOf, longMode, looseLimits, mb, printFigures, scaled, send, Tally, waitFor } from './hardening-kit.js';

const apiKey = testEnv.API_KEY ?? '';
const rate = { messagesPerSecond: 50, burst: 10 };
const breaker = { volumeThreshold: 5, errorThresholdPercentage: 50, resetTimeoutMs: 500, rollingWindowMs: 2000, timeoutMs: 1000 };

interface Scenario {
  readonly name: string;
  readonly fault: FakeFault;
  /** Faulty requests to inject (`times`), or undefined for "until cleared after durationMs". */
  readonly times?: number;
  readonly durationMs: number;
  readonly mode: 'sync' | 'queued';
  readonly messages: number;
  /** Late answers (SNS took it after the client gave up) may legitimately be published twice. */
  readonly duplicatesExpected?: string;
}

const outageMs = scaled(3000, 60_000);
const scenarios: readonly Scenario[] = [
  { name: 'throttling storm (429 Throttled)', fault: { kind: 'error', code: 'Throttled' }, durationMs: 1500, mode: 'queued', messages: scaled(60, 600) },
  { name: 'throttling storm (429 Throttled)', fault: { kind: 'error', code: 'Throttled' }, durationMs: 1500, mode: 'sync', messages: scaled(40, 400) },
  { name: '5xx burst (InternalError 500)', fault: { kind: 'error', code: 'InternalError' }, times: 25, durationMs: 800, mode: 'queued', messages: scaled(40, 400) },
  { name: '5xx burst (ServiceUnavailable 503)', fault: { kind: 'error', code: 'ServiceUnavailable' }, times: 25, durationMs: 800, mode: 'sync', messages: scaled(30, 300) },
  { name: 'connection resets', fault: { kind: 'reset' }, times: 20, durationMs: 800, mode: 'queued', messages: scaled(40, 400) },
  { name: 'connection resets', fault: { kind: 'reset' }, times: 15, durationMs: 800, mode: 'sync', messages: scaled(30, 300) },
  { name: 'hangs (no answer)', fault: { kind: 'hang' }, times: 8, durationMs: 1000, mode: 'queued', messages: scaled(30, 300) },
  {
    name: 'slow SNS (answers after the client timed out)',
    fault: { kind: 'latency', ms: 700 },
    times: 4,
    durationMs: 1000,
    mode: 'queued',
    messages: scaled(20, 200),
    duplicatesExpected: 'SNS took the publish after the client timed out; the dispatcher retried it (at-least-once)',
  },
  { name: `full outage (${outageMs / 1000} s)`, fault: { kind: 'outage' }, durationMs: outageMs, mode: 'queued', messages: scaled(80, 1200) },
  { name: `full outage (${outageMs / 1000} s)`, fault: { kind: 'outage' }, durationMs: outageMs, mode: 'sync', messages: scaled(60, 900) },
];

/** The service on a fresh fake SNS peer, the SDK cut short (one attempt, 300 ms) so faults show at once. */
async function startOnFakeSns(publisher: Record<string, unknown>, dispatcher: Record<string, unknown>): Promise<{ fake: FakeSns; t: TestService }> {
  const fake = await startFakeSns({ port: 0 });
  const t = await startTestService({
    snsEndpoint: fake.url,
    config: {
      limits: looseLimits,
      publisher: { sns: { maxAttempts: 1, requestTimeoutMs: 300, connectionTimeoutMs: 300, callTimeoutMs: 600 }, ...publisher },
      dispatcher,
    },
  });
  return { fake, t };
}

describe('hardening: SNS faults in sync and queued modes (fake SNS peer)', function () {
  this.timeout(longMode ? 900_000 : 120_000);
  let fake: FakeSns;
  let t: TestService;
  const rows: Record<string, unknown> = {};
  let run = 0;

  before(async () => {
    ({ fake, t } = await startOnFakeSns(
      { breaker, rateLimit: rate },
      // Production ratios scaled down: backoff ceiling 10× the breaker's reset, at most 10 attempts.
      { concurrency: 8, pollIntervalMs: 50, backoffBaseMs: 100, backoffMaxMs: 5000, maxAttempts: 10, leaseSeconds: 5 },
    ));
    t.service.logger.level = 'warn';
  });

  after(async () => {
    closeAgent();
    await t.close();
    await fake.close();
    printFigures('SNS faults: accepted / delivered / lost / duplicated per scenario', rows);
  });

  afterEach(() => {
    fake.clearFaults();
  });

  async function submit(s: Scenario, i: number, token: string): Promise<{ status: number; ms: number; ids: string[]; retryAfter?: string; error?: string }> {
    const res = await send(t.url, {
      method: 'POST',
      path: `/v1/send/mms?mode=${s.mode}`,
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey, 'idempotency-key': token },
      body: Buffer.from(JSON.stringify({ phoneNumber: '+12065550123', messageBody: `${s.name} #${i} ${token}`, mediaUrl: 'https://example.com/p.png' })),
    }, 10_000);
    const body = jsonOf(res);
    const ids = Array.isArray(body.messages)
      ? (body.messages as { id: string }[]).map((m) => m.id)
      : Array.isArray(body.messageIds)
        ? (body.messageIds as string[])
        : [];
    return {
      status: res.status,
      ms: res.ms,
      ids,
      ...(typeof res.headers['retry-after'] === 'string' ? { retryAfter: res.headers['retry-after'] } : {}),
      ...(typeof body.snsError === 'string' ? { error: body.snsError } : {}),
    };
  }

  for (const s of scenarios) {
    it(`${s.name}, ${s.mode}: answers stay within contract, and when SNS recovers every accepted message is sent exactly once`, async () => {
      run += 1;
      fake.reset();
      await waitFor('the breaker to be closed', () => (t.service.delivery.state() === 'closed' ? true : undefined), 5000);
      const memoryBefore = process.memoryUsage();
      const openedBefore = (await t.service.metrics.breakerEvents.get()).values.find((v) => v.labels.event === 'open')?.value ?? 0;
      fake.setFault(s.fault, s.times === undefined ? {} : { times: s.times, actions: ['Publish'] });
      const started = Date.now();
      const statuses = new Tally();
      const accepted: Accepted[] = [];
      const fastFails: number[] = [];
      let i = 0;
      // Eight clients send the scenario's messages spread over the fault window.
      const spacingMs = Math.max(1, Math.floor(s.durationMs / s.messages) * 8);
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (i < s.messages) {
            const n = i++;
            const token = `TOKEN-${run}-${n}-${process.pid}`;
            const answer = await submit(s, n, token);
            statuses.add(answer.status);
            if (answer.status === 202 || answer.status === 200 || answer.status === 503) {
              for (const id of answer.ids) accepted.push({ id, token });
            }
            if (answer.status === 503) {
              expect(answer.retryAfter, '503 carries Retry-After').to.match(/^\d+$/);
              if (answer.error === 'CircuitOpen') fastFails.push(answer.ms);
            }
            expect(answer.status, `answer ${answer.status}`).to.be.oneOf([200, 202, 503]);
            await new Promise((r) => setTimeout(r, spacingMs));
          }
        }),
      );
      const left = s.durationMs - (Date.now() - started);
      if (left > 0) await new Promise((r) => setTimeout(r, left));
      // Latency is not recorded as a fault on the request; it hit the first `times` publishes.
      const delayed = s.fault.kind === 'latency' ? Math.min(s.times ?? 0, fake.requests.length) : 0;
      const faultsInjected = fake.requests.filter((r) => r.fault !== undefined).length + delayed;
      fake.clearFaults();
      const audit = await auditDelivery(t.service.store, fake, accepted, scaled(20_000, 120_000));
      const memoryAfter = process.memoryUsage();
      const openedAfter = (await t.service.metrics.breakerEvents.get()).values.find((v) => v.labels.event === 'open')?.value ?? 0;
      const peak = peakRate(fake.requests.map((r) => r.at));
      const slowestFastFail = fastFails.length === 0 ? 0 : Math.max(...fastFails);
      rows[`${s.name}, ${s.mode}`] =
        `accepted ${audit.accepted}, delivered ${audit.delivered}, lost ${audit.lost}, duplicated ${audit.duplicated}` +
        `${audit.duplicated > 0 && s.duplicatesExpected !== undefined ? ` (${s.duplicatesExpected})` : ''}; faults injected ${faultsInjected}; ` +
        `answers ${JSON.stringify(statuses)}; breaker opened ${openedAfter - openedBefore}×` +
        `${fastFails.length > 0 ? `, ${fastFails.length} fast 503s (slowest ${slowestFastFail.toFixed(0)} ms)` : ''}; ` +
        `peak ${peak} SNS requests/s (limit ${rate.messagesPerSecond}/s, burst ${rate.burst}); ` +
        `heap ${mb(memoryBefore.heapUsed)}→${mb(memoryAfter.heapUsed)} MB, rss ${mb(memoryBefore.rss)}→${mb(memoryAfter.rss)} MB`;

      expect(audit.lost, `lost: ${audit.notSent.slice(0, 5).join(', ')}`).to.equal(0);
      expect(audit.notSent, 'not sent in the log').to.deep.equal([]);
      expect(audit.phantom, 'sent in the log but never taken by SNS').to.deep.equal([]);
      if (s.duplicatesExpected === undefined) expect(audit.duplicates, 'published more than once').to.deep.equal([]);
      expect(peak, 'SNS requests in any second').to.be.at.most(rate.messagesPerSecond + rate.burst + 5);
      expect(slowestFastFail, 'an open breaker answers fast').to.be.below(400);
      expect(memoryAfter.heapUsed - memoryBefore.heapUsed, 'heap growth').to.be.below(150e6);
      expect(statuses.total()).to.equal(s.messages);
    });
  }

  it('a caller repeating a sync send (same Idempotency-Key) after recovery gets the first answer, and no second SMS', async () => {
    fake.reset();
    fake.setFault({ kind: 'outage' });
    const body = Buffer.from(JSON.stringify({ phoneNumber: '+12065550123', messageBody: 'repeat TOKEN-repeat-1', mediaUrl: 'https://example.com/p.png' }));
    const headers = { 'content-type': 'application/json', 'x-api-key': apiKey, 'idempotency-key': 'repeat-after-outage' };
    const first = await send(t.url, { method: 'POST', path: '/v1/send/mms?mode=sync', headers, body });
    expect(first.status).to.equal(503);
    fake.clearFaults();
    await waitFor('the kept message to be sent', () => (fake.published.some((p) => p.message.includes('TOKEN-repeat-1')) ? true : undefined), 15_000);
    const again = await send(t.url, { method: 'POST', path: '/v1/send/mms?mode=sync', headers, body });
    expect(again.status).to.equal(200);
    expect(again.headers['idempotent-replayed']).to.equal('true');
    await t.service.dispatcher.drain();
    expect(fake.published.filter((p) => p.message.includes('TOKEN-repeat-1'))).to.have.length(1);
  });
});

describe('hardening: an open breaker fails fast before the outbound rate limiter', function () {
  this.timeout(30_000);
  let fake: FakeSns;
  let t: TestService;

  before(async () => {
    ({ fake, t } = await startOnFakeSns(
      {
        breaker: { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeoutMs: 20_000, rollingWindowMs: 5000 },
        // A small account quota: five messages a second.
        rateLimit: { messagesPerSecond: 5, burst: 1 },
      },
      { enabled: false },
    ));
    t.service.logger.level = 'error';
  });
  after(async () => {
    closeAgent();
    await t.close();
    await fake.close();
  });

  it('answers 30 concurrent sync sends 503 at once while the breaker is open, instead of queueing them for tokens', async () => {
    fake.setFault({ kind: 'outage' });
    const sendOne = (n: number) =>
      send(t.url, {
        method: 'POST',
        path: '/v1/send/mms?mode=sync',
        headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
        body: Buffer.from(JSON.stringify({ phoneNumber: '+12065550123', messageBody: `open ${n}`, mediaUrl: 'https://example.com/p.png' })),
      }, 15_000);
    for (let n = 0; t.service.delivery.state() !== 'open'; n++) {
      expect(n, 'the breaker should open within a few failures').to.be.below(10);
      expect((await sendOne(n)).status).to.equal(503);
    }
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 30 }, (_, n) => sendOne(100 + n)));
    const tookMs = Date.now() - started;
    printFigures('open breaker before the rate limiter', {
      'concurrent sync sends': `${answers.length}, all answered in ${tookMs} ms (rate limit 5/s would have spread them over ~6 s)`,
    });
    for (const res of answers) {
      expect(res.status).to.equal(503);
      expect(jsonOf(res).snsError).to.equal('CircuitOpen');
      expect(res.headers['retry-after']).to.match(/^\d+$/);
    }
    expect(tookMs).to.be.below(1500);
  });
});
