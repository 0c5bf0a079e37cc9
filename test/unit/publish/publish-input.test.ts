import { expect } from 'chai';
import type { PublishCommandInput } from '@aws-sdk/client-sns';
import { batchTopicArn, toBatchEntries, toPublishInput } from '../../../src/publish/publish-input.js';
import type { OutboundMessage } from '../../../src/publish/publisher.js';
import { smsAttributes } from '../../../src/publish/sms-attributes.js';
import { phoneMessage, topicMessage } from './publish-kit.js';

const topicArn = 'arn:aws:sns:us-east-1:123456789012:alerts';
const fifoArn = 'arn:aws:sns:us-east-1:123456789012:orders.fifo';
const transactional = { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } };

describe('toPublishInput', () => {
  const cases: { name: string; message: OutboundMessage; expected: PublishCommandInput }[] = [
    {
      name: 'a phone target becomes PhoneNumber, with SMSType Transactional by default',
      message: phoneMessage(),
      expected: { PhoneNumber: '+12065550100', Message: 'Your order #1001 has shipped.', MessageAttributes: transactional },
    },
    {
      name: 'every SMS setting becomes its attribute, MaxPrice as a Number',
      message: phoneMessage({
        sms: {
          smsType: 'Promotional',
          senderId: 'MyShop',
          originationNumber: '+18005550199',
          maxPrice: 0.05,
          entityId: '1101234567890',
          templateId: '1107161234567890123',
        },
      }),
      expected: {
        PhoneNumber: '+12065550100',
        Message: 'Your order #1001 has shipped.',
        MessageAttributes: {
          'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Promotional' },
          'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'MyShop' },
          'AWS.MM.SMS.OriginationNumber': { DataType: 'String', StringValue: '+18005550199' },
          'AWS.SNS.SMS.MaxPrice': { DataType: 'Number', StringValue: '0.05' },
          'AWS.MM.SMS.EntityId': { DataType: 'String', StringValue: '1101234567890' },
          'AWS.MM.SMS.TemplateId': { DataType: 'String', StringValue: '1107161234567890123' },
        },
      },
    },
    {
      name: 'a standard topic becomes TopicArn with no FIFO fields, even when a group is named',
      message: topicMessage(topicArn, { target: { kind: 'topic', topicArn, messageGroupId: 'g' } }),
      expected: { TopicArn: topicArn, Message: 'Deploy finished', MessageAttributes: transactional },
    },
    {
      name: 'a FIFO topic gets the default group and the message log id as deduplication id',
      message: topicMessage(fifoArn, { id: '01J9ZK5V8Q' }),
      expected: {
        TopicArn: fifoArn,
        Message: 'Deploy finished',
        MessageAttributes: transactional,
        MessageGroupId: 'snsgate',
        MessageDeduplicationId: '01J9ZK5V8Q',
      },
    },
    {
      name: 'a FIFO topic keeps the group and deduplication id the message names',
      message: topicMessage(fifoArn, {
        target: { kind: 'topic', topicArn: fifoArn, messageGroupId: 'order-1001', messageDeduplicationId: 'evt-9' },
      }),
      expected: {
        TopicArn: fifoArn,
        Message: 'Deploy finished',
        MessageAttributes: transactional,
        MessageGroupId: 'order-1001',
        MessageDeduplicationId: 'evt-9',
      },
    },
    {
      name: 'the text goes out byte for byte (emoji, newlines, markup)',
      message: phoneMessage({ text: 'Hi O\'Brien 👋\n<b>&amp;</b> https://ex.com/p?a=1&b=2' }),
      expected: {
        PhoneNumber: '+12065550100',
        Message: 'Hi O\'Brien 👋\n<b>&amp;</b> https://ex.com/p?a=1&b=2',
        MessageAttributes: transactional,
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(toPublishInput(c.message)).to.deep.equal(c.expected);
    });
  }
});

describe('smsAttributes', () => {
  const prices: [number, string][] = [
    [1, '1'],
    [0.5, '0.5'],
    [0.00645, '0.00645'],
    [0.0000001, '0.0000001'],
  ];
  for (const [price, text] of prices) {
    it(`writes MaxPrice ${price} as the plain decimal ${text}`, () => {
      expect(smsAttributes({ maxPrice: price })['AWS.SNS.SMS.MaxPrice']).to.deep.equal({ DataType: 'Number', StringValue: text });
    });
  }
});

describe('toBatchEntries', () => {
  it('numbers entries m0… in order and carries each message’s attributes and FIFO fields', () => {
    const messages = [0, 1, 2].map((i) => topicMessage(fifoArn, { id: `log-${i}`, text: `t${i}`, sms: { senderId: 'Ops' } }));
    const entries = toBatchEntries(messages);
    expect(entries.map((e) => [e.Id, e.Message, e.MessageDeduplicationId, e.MessageGroupId])).to.deep.equal([
      ['m0', 't0', 'log-0', 'snsgate'],
      ['m1', 't1', 'log-1', 'snsgate'],
      ['m2', 't2', 'log-2', 'snsgate'],
    ]);
    expect(entries[0]?.MessageAttributes?.['AWS.SNS.SMS.SenderID']).to.deep.equal({ DataType: 'String', StringValue: 'Ops' });
  });

  const refused: { name: string; messages: OutboundMessage[] }[] = [
    { name: 'no message', messages: [] },
    { name: 'a phone target', messages: [topicMessage(topicArn), phoneMessage()] },
    { name: 'two topics', messages: [topicMessage(topicArn), topicMessage(fifoArn)] },
    { name: 'eleven messages', messages: Array.from({ length: 11 }, () => topicMessage(topicArn)) },
  ];
  for (const c of refused) {
    it(`refuses ${c.name}`, () => {
      expect(() => toBatchEntries(c.messages)).to.throw(RangeError);
    });
  }

  it('names the one topic of a batch', () => {
    expect(batchTopicArn([topicMessage(topicArn), topicMessage(topicArn)])).to.equal(topicArn);
  });
});
