import { expect } from 'chai';
import { startFakeSns, type FakeSns } from '../../helpers/fake-sns-server.js';
import { signWebhook, testSecrets } from '../../helpers/sign-webhook.js';
import { startTestService, testEnv, type TestService } from '../../helpers/test-service.js';
import { parsePromText, sampleValue, templateExample, waitFor, type Family } from './observability-kit.js';

const apiHeaders = { 'content-type': 'application/json', 'x-api-key': testEnv.API_KEY ?? '' };
const mmsBody = JSON.stringify({ phoneNumber: '+12065550123', messageBody: 'x', mediaUrl: 'https://example.com/a.png' });
const swSecrets = testSecrets['standard-webhooks'];

describe('snsgate metrics move with traffic (service against an SNS-compatible server)', function () {
  this.timeout(30_000);
  let fake: FakeSns;
  let t: TestService;
  let deliveryId = 0;

  before(async () => {
    fake = await startFakeSns();
    // One SDK attempt: a retryable fault then costs one SNS request, and the test stays fast.
    t = await startTestService({ snsEndpoint: fake.url, config: { publisher: { sns: { maxAttempts: 1 } } } });
  });
  afterEach(() => fake.clearFaults());
  after(async () => {
    await t?.close();
    await fake?.close();
  });

  async function scrape(): Promise<Map<string, Family>> {
    const res = await t.fetch('/metrics');
    expect(res.status).to.equal(200);
    return parsePromText(await res.text());
  }

  /** The value of one series now, by name and (a subset of) its labels. */
  async function value(name: string, labels: Record<string, string>): Promise<number> {
    return sampleValue(await scrape(), name, labels);
  }

  async function postOrderShipped(secret: string): Promise<Response> {
    const body = templateExample('order-shipped', 'ups-two-items');
    const headers = await signWebhook('standard-webhooks', body, { secret, id: `msg-counters-${++deliveryId}` });
    return t.fetch('/webhooks/order-shipped', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  }

  const sendMmsSync = (): Promise<Response> => t.fetch('/v1/send/mms?mode=sync', { method: 'POST', headers: apiHeaders, body: mmsBody });

  it('counts a correctly signed order-shipped webhook as accepted, and its publish as a success', async () => {
    const accepted = { template: 'order-shipped', outcome: 'accepted' };
    const success = { outcome: 'success', error: 'none' };
    const before = { accepted: await value('snsgate_webhooks_received_total', accepted), published: await value('snsgate_sns_publishes_total', success) };

    const res = await postOrderShipped(swSecrets.current);

    expect(res.status, await res.clone().text()).to.equal(202);
    expect(await value('snsgate_webhooks_received_total', accepted)).to.equal(before.accepted + 1);
    await waitFor('the dispatcher to publish the message', async () => (await value('snsgate_sns_publishes_total', success)) === before.published + 1);
    const after = await scrape();
    expect(sampleValue(after, 'snsgate_messages_total', { template: 'order-shipped', status: 'sent' })).to.be.at.least(1);
    expect(sampleValue(after, 'snsgate_dispatch_attempts_total', { outcome: 'sent' })).to.be.at.least(1);
    expect(sampleValue(after, 'snsgate_sns_publish_duration_seconds_count', { outcome: 'success' })).to.be.at.least(1);
    expect(sampleValue(after, 'snsgate_sms_segments_total', { template: 'order-shipped', encoding: 'GSM-7' })).to.be.at.least(1);
    expect(fake.requestCount('Publish')).to.be.at.least(1);
  });

  it('counts a webhook signed with a rotated-out secret as a signature failure of source orders', async () => {
    const failure = { source: 'orders', reason: 'no_matching_signature' };
    const rejected = { template: 'order-shipped', outcome: 'signature_invalid' };
    const before = { failures: await value('snsgate_signature_failures_total', failure), rejected: await value('snsgate_webhooks_received_total', rejected) };

    const res = await postOrderShipped(swSecrets.retired);

    expect(res.status).to.equal(401);
    expect(await value('snsgate_signature_failures_total', failure)).to.equal(before.failures + 1);
    expect(await value('snsgate_webhooks_received_total', rejected)).to.equal(before.rejected + 1);
  });

  it('counts a sync send that SNS refuses (InvalidParameter) as a permanent publish error', async () => {
    const permanent = { outcome: 'permanent', error: 'InvalidParameterException' };
    const failed = { template: 'mms', status: 'failed' };
    const before = {
      permanent: await value('snsgate_sns_publishes_total', permanent),
      failed: await value('snsgate_messages_total', failed),
      http502: await value('snsgate_http_request_duration_seconds_count', { route: '/v1/send/:template', status: '502' }),
    };
    fake.setFault({ kind: 'error', code: 'InvalidParameter' }, { actions: ['Publish'] });

    const res = await sendMmsSync();

    expect(res.status, await res.clone().text()).to.equal(502);
    const after = await scrape();
    expect(sampleValue(after, 'snsgate_sns_publishes_total', permanent)).to.equal(before.permanent + 1);
    expect(sampleValue(after, 'snsgate_messages_total', failed)).to.equal(before.failed + 1);
    expect(sampleValue(after, 'snsgate_sns_publish_duration_seconds_count', { outcome: 'permanent' })).to.be.at.least(1);
    expect(sampleValue(after, 'snsgate_http_request_duration_seconds_count', { route: '/v1/send/:template', status: '502' })).to.equal(before.http502 + 1);
  });

  it('counts a sync send that SNS fails with a 5xx as a retryable publish error and a breaker failure', async () => {
    const retryable = { outcome: 'retryable', error: 'InternalErrorException' };
    const before = {
      retryable: await value('snsgate_sns_publishes_total', retryable),
      breakerFailures: await value('snsgate_breaker_events_total', { event: 'failure' }),
    };
    fake.setFault({ kind: 'error', code: 'InternalError' }, { actions: ['Publish'] });

    const res = await sendMmsSync();

    expect(res.status, await res.clone().text()).to.equal(503);
    expect(res.headers.get('retry-after')).to.match(/^\d+$/);
    const after = await scrape();
    expect(sampleValue(after, 'snsgate_sns_publishes_total', retryable)).to.equal(before.retryable + 1);
    expect(sampleValue(after, 'snsgate_breaker_events_total', { event: 'failure' })).to.equal(before.breakerFailures + 1);
    // One failure is under the volume threshold: the breaker stays closed.
    expect(sampleValue(after, 'snsgate_breaker_state')).to.equal(0);
  });

  it('counts sync sends that SNS fails by request outcome publish_failed and unavailable, not accepted', async () => {
    const outcomes = async () => {
      const f = await scrape();
      const of = (outcome: string) => sampleValue(f, 'snsgate_webhooks_received_total', { template: 'mms', outcome });
      return { accepted: of('accepted'), publishFailed: of('publish_failed'), unavailable: of('unavailable') };
    };
    const before = await outcomes();
    fake.setFault({ kind: 'error', code: 'InvalidParameter' }, { actions: ['Publish'], times: 1 });
    expect((await sendMmsSync()).status).to.equal(502);
    fake.setFault({ kind: 'error', code: 'InternalError' }, { actions: ['Publish'], times: 1 });
    expect((await sendMmsSync()).status).to.equal(503);

    const after = await outcomes();
    // A sync failure is answered by respondToSend's throw, after handleSend has already counted the
    // result as accepted: handleSend must count the thrown error instead (design.md 2.7 outcomes).
    expect(
      { publishFailed: after.publishFailed - before.publishFailed, unavailable: after.unavailable - before.unavailable, accepted: after.accepted - before.accepted },
      'handleSend (src/http/send-response.ts) counts a failed sync send as outcome="accepted"',
    ).to.deep.equal({ publishFailed: 1, unavailable: 1, accepted: 0 });
  });
});
