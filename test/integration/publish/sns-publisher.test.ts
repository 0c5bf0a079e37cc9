import { expect } from 'chai';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Config } from '../../../src/config/config.js';
import { createSnsPublisher } from '../../../src/publish/sns-publisher.js';
import { PublishError } from '../../../src/publish/publisher.js';
import type { FakeSns } from '../../helpers/fake-sns-server.js';
import { startFakeSns } from '../../helpers/fake-sns-server.js';
import { phoneMessage, snsClientFor, topicMessage } from '../../unit/publish/publish-kit.js';

const fifoArn = 'arn:aws:sns:us-east-1:000000000000:orders.fifo';

describe('createSnsPublisher against an SNS-compatible server', () => {
  let fake: FakeSns;
  const clients: SNSClient[] = [];
  before(async () => {
    fake = await startFakeSns({ port: 0 });
  });
  afterEach(() => {
    fake.reset();
    for (const c of clients.splice(0)) c.destroy();
  });
  after(async () => {
    await fake.close();
  });

  /** The publisher on a real SDK client; 2 attempts keep SDK throttling back-off (~1 s) short. */
  function publisherFor(sns: Partial<Config['publisher']['sns']> = {}, callTimeoutMs = 5000) {
    const client = snsClientFor(fake.url, { maxAttempts: 2, ...sns });
    clients.push(client);
    return createSnsPublisher({ client, callTimeoutMs });
  }

  const failure = (p: Promise<unknown>) =>
    p.then(
      () => expect.fail('expected the publish to fail'),
      (err: unknown) => {
        expect(err).to.be.instanceOf(PublishError);
        return err as PublishError;
      },
    );
  const attempts = () => fake.requests.map((r) => r.attempt);

  it('delivers the text and every SMS attribute exactly as built', async () => {
    const text = 'Hi O\'Brien 👋 — order #1001 shipped: https://ex.com/t?a=1&b=2\nThanks!';
    const receipt = await publisherFor().publish(
      phoneMessage({ text, sms: { smsType: 'Promotional', senderId: 'MyShop', originationNumber: '+18005550199', maxPrice: 0.05, entityId: 'E1', templateId: 'T1' } }),
    );
    expect(fake.published).to.have.length(1);
    const [got] = fake.published;
    expect(got?.messageId).to.equal(receipt.messageId);
    expect(got).to.include({ action: 'Publish', phoneNumber: '+12065550100', message: text, attempt: 1 });
    expect(got?.attributes).to.deep.equal({
      'AWS.SNS.SMS.SMSType': { dataType: 'String', value: 'Promotional' },
      'AWS.SNS.SMS.SenderID': { dataType: 'String', value: 'MyShop' },
      'AWS.MM.SMS.OriginationNumber': { dataType: 'String', value: '+18005550199' },
      'AWS.SNS.SMS.MaxPrice': { dataType: 'Number', value: '0.05' },
      'AWS.MM.SMS.EntityId': { dataType: 'String', value: 'E1' },
      'AWS.MM.SMS.TemplateId': { dataType: 'String', value: 'T1' },
    });
  });

  it('sends a FIFO topic message with its group and the log id as deduplication id', async () => {
    await publisherFor().publish(topicMessage(fifoArn, { id: 'log-42' }));
    expect(fake.published[0]).to.include({ topicArn: fifoArn, messageGroupId: 'snsgate', messageDeduplicationId: 'log-42' });
  });

  for (const [code, status] of [['Throttled', 429], ['Throttling', 400], ['ThrottlingException', 400]] as const) {
    it(`lets the SDK retry ${code} (${status}) and then surfaces a retryable throttled error`, async () => {
      fake.setFault({ kind: 'error', code }, { times: 2 });
      const err = await failure(publisherFor().publish(phoneMessage()));
      expect(err).to.include({ retryable: true, reason: 'throttled' });
      expect(attempts()).to.deep.equal([1, 2]);
      expect(fake.published).to.have.length(0);
    });
  }

  it('succeeds when a throttled first attempt is followed by a good one', async () => {
    fake.setFault({ kind: 'error', code: 'Throttled' }, { times: 1 });
    await publisherFor().publish(phoneMessage());
    expect(attempts()).to.deep.equal([1, 2]);
    expect(fake.published.map((p) => p.attempt)).to.deep.equal([2]);
  });

  it('lets the SDK retry InternalError (500) and surfaces a retryable server error', async () => {
    fake.setFault({ kind: 'error', code: 'InternalError' });
    const err = await failure(publisherFor().publish(phoneMessage()));
    expect(err).to.include({ retryable: true, reason: 'server', errorName: 'InternalErrorException' });
    expect(attempts()).to.deep.equal([1, 2]);
  });

  const permanent = [
    ['InvalidParameter', 'client', 'InvalidParameterException'],
    ['AuthorizationError', 'auth', 'AuthorizationErrorException'],
  ] as const;
  for (const [code, reason, errorName] of permanent) {
    it(`does not retry ${code} and surfaces a permanent ${reason} error`, async () => {
      fake.setFault({ kind: 'error', code });
      const err = await failure(publisherFor().publish(phoneMessage()));
      expect(err).to.include({ retryable: false, reason, errorName });
      expect(attempts()).to.deep.equal([1]);
    });
  }

  it('classifies KMSThrottling as throttled even though the SDK does not retry it', async () => {
    fake.setFault({ kind: 'error', code: 'KMSThrottling' });
    const err = await failure(publisherFor().publish(topicMessage('arn:aws:sns:us-east-1:000000000000:enc')));
    expect(err).to.include({ retryable: true, reason: 'throttled', errorName: 'KMSThrottlingException' });
    expect(attempts()).to.deep.equal([1]);
  });

  it('surfaces SNS refusing a message over 1600 bytes as permanent too_large', async () => {
    const err = await failure(publisherFor().publish(phoneMessage({ text: 'x'.repeat(1601) })));
    expect(err).to.include({ retryable: false, reason: 'too_large' });
  });

  it('cuts a request that never answers at the request timeout', async () => {
    fake.setFault({ kind: 'hang' });
    const started = Date.now();
    const err = await failure(publisherFor({ requestTimeoutMs: 200, maxAttempts: 1 }).publish(phoneMessage()));
    expect(err).to.include({ retryable: true, reason: 'timeout', errorName: 'TimeoutError' });
    expect(Date.now() - started).to.be.within(150, 1500);
  });

  it('cuts the whole call (retries included) at the call timeout', async () => {
    fake.setFault({ kind: 'hang' });
    const started = Date.now();
    const err = await failure(publisherFor({ requestTimeoutMs: 10_000 }, 300).publish(phoneMessage()));
    expect(err).to.include({ retryable: true, reason: 'timeout', errorName: 'AbortError' });
    expect(Date.now() - started).to.be.within(250, 1500);
  });

  it('surfaces connection resets as retryable network errors after the SDK retried them', async () => {
    fake.setFault({ kind: 'reset' });
    const err = await failure(publisherFor().publish(phoneMessage()));
    expect(err).to.include({ retryable: true, reason: 'network', errorName: 'ECONNRESET' });
    expect(attempts()).to.deep.equal([1, 2]);
  });

  it('surfaces a refused connection as a retryable network error', async () => {
    const gone = await startFakeSns({ port: 0 });
    await gone.close();
    const client = snsClientFor(gone.url, { maxAttempts: 1 });
    clients.push(client);
    const err = await failure(createSnsPublisher({ client, callTimeoutMs: 2000 }).publish(phoneMessage()));
    expect(err).to.include({ retryable: true, reason: 'network', errorName: 'ECONNREFUSED' });
  });

  it('still succeeds with added latency below the timeouts', async () => {
    fake.setFault({ kind: 'latency', ms: 100 }, { times: 1 });
    const started = Date.now();
    await publisherFor().publish(phoneMessage());
    expect(Date.now() - started).to.be.at.least(95);
  });

  it('answers CheckIfPhoneNumberIsOptedOut', async () => {
    fake.setOptedOut(['+12065550100']);
    const publisher = publisherFor();
    expect(await publisher.isOptedOut('+12065550100')).to.equal(true);
    expect(await publisher.isOptedOut('+12065550111')).to.equal(false);
    expect(fake.requestCount('CheckIfPhoneNumberIsOptedOut')).to.equal(2);
  });

  it('publishes a batch and reports each failed entry on its own', async () => {
    fake.setFault({ kind: 'entry-error', code: 'InvalidParameter', entries: [1] });
    const arn = 'arn:aws:sns:us-east-1:000000000000:alerts';
    const results = await publisherFor().publishBatch([0, 1, 2].map((i) => topicMessage(arn, { id: `l${i}`, text: `t${i}` })));
    expect(results.map((r) => (r.ok ? 'ok' : `${r.error.reason}/${r.error.errorName}`))).to.deep.equal([
      'ok',
      'client/InvalidParameterException',
      'ok',
    ]);
    expect(fake.published.map((p) => [p.batchEntryId, p.message])).to.deep.equal([
      ['m0', 't0'],
      ['m2', 't2'],
    ]);
  });

  it('splits more than 10 messages into PublishBatch calls of at most 10', async () => {
    const arn = 'arn:aws:sns:us-east-1:000000000000:alerts';
    const results = await publisherFor().publishBatch(Array.from({ length: 12 }, (_, i) => topicMessage(arn, { id: `l${i}` })));
    expect(results.every((r) => r.ok)).to.equal(true);
    expect(fake.requestCount('PublishBatch')).to.equal(2);
    expect(fake.published).to.have.length(12);
  });
});
