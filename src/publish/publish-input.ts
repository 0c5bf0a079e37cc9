import type { PublishBatchRequestEntry, PublishCommandInput } from '@aws-sdk/client-sns';
import type { OutboundMessage, PublishTarget } from './publisher.js';
import { smsAttributes } from './sms-attributes.js';

/** SNS accepts at most 10 entries per PublishBatch call. */
export const maxBatchEntries = 10;

/** Group used for FIFO topics when the message names none: one group keeps every message in order. */
export const defaultMessageGroupId = 'snsgate';

type TopicFields = Pick<PublishCommandInput, 'MessageGroupId' | 'MessageDeduplicationId'>;

/**
 * FIFO topics require a group id and, without content-based deduplication, a deduplication id. The
 * message log id is the default, so a re-publish after a crash is dropped by SNS within its 5-minute window.
 */
function fifoFields(message: OutboundMessage, target: Extract<PublishTarget, { kind: 'topic' }>): TopicFields {
  if (!target.topicArn.endsWith('.fifo')) return {};
  return {
    MessageGroupId: target.messageGroupId ?? defaultMessageGroupId,
    MessageDeduplicationId: target.messageDeduplicationId ?? message.id,
  };
}

/** The `Publish` input for one message: exactly one target, the text as is, and its SMS attributes. */
export function toPublishInput(message: OutboundMessage): PublishCommandInput {
  const base = { Message: message.text, MessageAttributes: smsAttributes(message.sms) };
  const { target } = message;
  if (target.kind === 'phone') return { ...base, PhoneNumber: target.phoneNumber };
  return { ...base, TopicArn: target.topicArn, ...fifoFields(message, target) };
}

/** The one topic ARN shared by a batch; throws when a message goes elsewhere (PublishBatch is topic-only). */
export function batchTopicArn(messages: readonly OutboundMessage[]): string {
  const first = messages[0]?.target;
  if (first?.kind !== 'topic') throw new RangeError('PublishBatch needs at least one message, all to one topic');
  for (const { target } of messages) {
    if (target.kind !== 'topic' || target.topicArn !== first.topicArn) {
      throw new RangeError(`PublishBatch sends to one topic; expected ${first.topicArn} for every message`);
    }
  }
  return first.topicArn;
}

/** PublishBatch entries for at most 10 messages to one topic; entry ids are `m0`…`m9` in input order. */
export function toBatchEntries(messages: readonly OutboundMessage[]): PublishBatchRequestEntry[] {
  batchTopicArn(messages);
  if (messages.length > maxBatchEntries) {
    throw new RangeError(`PublishBatch takes at most ${maxBatchEntries} entries, got ${messages.length}`);
  }
  return messages.map((message, index) => {
    const { target } = message;
    return {
      Id: `m${index}`,
      Message: message.text,
      MessageAttributes: smsAttributes(message.sms),
      ...(target.kind === 'topic' ? fifoFields(message, target) : {}),
    };
  });
}
