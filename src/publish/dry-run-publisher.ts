import { randomUUID } from 'node:crypto';
import type { Logger } from '../observability/logger.js';
import { maskPhone } from '../observability/mask.js';
import type { BatchEntryResult, BatchPublisher, OutboundMessage, PublishReceipt } from './publisher.js';

/** One message the dry-run publisher pretended to send. */
export interface DryRunRecord {
  readonly messageId: string;
  readonly message: OutboundMessage;
  readonly at: Date;
}

/** The dry-run publisher plus what it recorded (the most recent `keep` messages). */
export interface DryRunPublisher extends BatchPublisher {
  records(): readonly DryRunRecord[];
}

/** What the dry-run publisher is built from. */
export interface DryRunPublisherOptions {
  readonly logger: Logger;
  /** How many recent messages `records()` keeps; older ones are dropped. */
  readonly keep?: number;
  readonly now?: () => Date;
}

/**
 * Same contract as the SNS publisher, sends nothing: logs each message at info (masked recipient,
 * segments; the body only at debug), records it and answers a `dry-run-<uuid>` id. Nobody is opted out.
 */
export function createDryRunPublisher(options: DryRunPublisherOptions): DryRunPublisher {
  const { logger } = options;
  const keep = options.keep ?? 1000;
  const now = options.now ?? (() => new Date());
  const recorded: DryRunRecord[] = [];

  function publishOne(message: OutboundMessage): string {
    const messageId = `dry-run-${randomUUID()}`;
    recorded.push({ messageId, message, at: now() });
    if (recorded.length > keep) recorded.splice(0, recorded.length - keep);
    const { target } = message;
    logger.info('dry-run publish', {
      messageLogId: message.id,
      snsMessageId: messageId,
      recipient: target.kind === 'phone' ? maskPhone(target.phoneNumber) : target.topicArn,
      ...(message.segments === undefined ? {} : { segments: message.segments }),
      smsType: message.sms.smsType ?? 'Transactional',
    });
    logger.debug('dry-run publish body', { messageLogId: message.id, body: message.text });
    return messageId;
  }

  return {
    name: 'dry-run',
    publish(message: OutboundMessage): Promise<PublishReceipt> {
      return Promise.resolve({ messageId: publishOne(message) });
    },
    publishBatch(messages: readonly OutboundMessage[]): Promise<BatchEntryResult[]> {
      return Promise.resolve(messages.map((m): BatchEntryResult => ({ ok: true, messageId: publishOne(m) })));
    },
    isOptedOut(): Promise<boolean> {
      return Promise.resolve(false);
    },
    records: () => recorded.slice(),
  };
}
