import { expect } from 'chai';
import type { Message } from '@aws-sdk/client-sqs';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { FauxqsServer } from 'fauxqs';
import { startFauxqs } from 'fauxqs';
import { createMemoryLogger } from '../../../src/observability/logger.js';
import { createDelivery } from '../../../src/publish/create-delivery.js';
import { createSnsPublisher } from '../../../src/publish/sns-publisher.js';
import { freshMetrics, publisherConfig, snsClientFor, testCredentials, topicMessage } from '../../unit/publish/publish-kit.js';

interface Envelope {
  Type: string;
  TopicArn: string;
  Message: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

describe('topics through fauxqs (SNS → SQS)', () => {
  let server: FauxqsServer;
  let sns: SNSClient;
  let sqs: SQSClient;
  before(async () => {
    server = await startFauxqs({ port: 0, logger: false });
    sns = snsClientFor(server.address, { maxAttempts: 1 });
    sqs = new SQSClient({ endpoint: server.address, region: 'us-east-1', credentials: testCredentials });
  });
  after(async () => {
    sns.destroy();
    sqs.destroy();
    await server.stop();
  });

  async function receive(queueUrl: string, max = 10): Promise<Message[]> {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: max, WaitTimeSeconds: 0, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }),
    );
    return out.Messages ?? [];
  }

  /** Receives and deletes until the queue is empty (a FIFO queue hands out one message per group at a time). */
  async function drain(queueUrl: string): Promise<Message[]> {
    const all: Message[] = [];
    for (let batch = await receive(queueUrl); batch.length > 0; batch = await receive(queueUrl)) {
      all.push(...batch);
      for (const m of batch) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
    return all;
  }

  const envelope = (m: Message | undefined): Envelope => JSON.parse(m?.Body ?? '{}') as Envelope;

  it('publishes to a topic and the subscribed queue receives the text and SMS attributes', async () => {
    const { topicArn } = server.createTopic('alerts');
    const { queueUrl } = server.createQueue('alerts-inbox');
    server.subscribe({ topic: 'alerts', queue: 'alerts-inbox' });
    const publisher = createSnsPublisher({ client: sns, callTimeoutMs: 5000 });
    const receipt = await publisher.publish(topicMessage(topicArn, { text: 'Disk 91% on db-1 🔥', sms: { senderId: 'Ops' } }));
    const [message] = await receive(queueUrl);
    const body = envelope(message);
    expect(body).to.include({ Type: 'Notification', TopicArn: topicArn, Message: 'Disk 91% on db-1 🔥' });
    expect(JSON.parse(message?.Body ?? '{}')).to.have.property('MessageId', receipt.messageId);
    expect(body.MessageAttributes).to.deep.include({
      'AWS.SNS.SMS.SMSType': { Type: 'String', Value: 'Transactional' },
      'AWS.SNS.SMS.SenderID': { Type: 'String', Value: 'Ops' },
    });
  });

  it('publishes to a FIFO topic with a group, and a re-publish of the same log id is deduplicated', async () => {
    const { topicArn } = server.createTopic('orders.fifo', { attributes: { FifoTopic: 'true' } });
    const { queueUrl } = server.createQueue('orders-inbox.fifo', { attributes: { FifoQueue: 'true' } });
    server.subscribe({ topic: 'orders.fifo', queue: 'orders-inbox.fifo', attributes: { RawMessageDelivery: 'true' } });
    const publisher = createSnsPublisher({ client: sns, callTimeoutMs: 5000 });
    await publisher.publish(topicMessage(topicArn, { id: 'log-1', text: 'order 1 paid' }));
    await publisher.publish(topicMessage(topicArn, { id: 'log-1', text: 'order 1 paid' }));
    await publisher.publish(topicMessage(topicArn, { id: 'log-2', text: 'order 1 shipped' }));
    const messages = await drain(queueUrl);
    expect(messages.map((m) => m.Body)).to.deep.equal(['order 1 paid', 'order 1 shipped']);
    expect(messages.map((m) => m.Attributes?.MessageGroupId)).to.deep.equal(['snsgate', 'snsgate']);
  });

  it('sends a batch through Delivery.sendBatch with one PublishBatch call and one outcome per entry', async () => {
    const { topicArn } = server.createTopic('fanout');
    const { queueUrl } = server.createQueue('fanout-inbox');
    server.subscribe({ topic: 'fanout', queue: 'fanout-inbox', attributes: { RawMessageDelivery: 'true' } });
    const config = publisherConfig({ kind: 'sns', rateLimit: { messagesPerSecond: 0 } });
    const delivery = createDelivery({
      publisher: createSnsPublisher({ client: sns, callTimeoutMs: 5000 }),
      config,
      metrics: freshMetrics(),
      logger: createMemoryLogger('error').logger,
    });
    const messages = Array.from({ length: 10 }, (_, i) => topicMessage(topicArn, { id: `b${i}`, text: `entry ${i}` }));
    const outcomes = await delivery.sendBatch(messages);
    delivery.close();
    expect(outcomes.map((o) => o.status)).to.deep.equal(Array(10).fill('sent'));
    const received = await drain(queueUrl);
    expect(received.map((m) => m.Body).sort()).to.deep.equal(messages.map((m) => m.text).sort());
  });
});
