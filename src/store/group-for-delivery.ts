import type { MessageRecord } from './message-store.js';

/** SNS PublishBatch takes at most ten entries. */
export const maxBatchEntries = 10;

/**
 * Splits claimed messages into delivery calls: each phone message alone, messages to one topic ARN in
 * batches of at most ten, keeping the claim order within each topic.
 */
export function groupForDelivery(records: readonly MessageRecord[]): MessageRecord[][] {
  const groups: MessageRecord[][] = [];
  const open = new Map<string, MessageRecord[]>();
  for (const record of records) {
    if (record.target.kind === 'phone') {
      groups.push([record]);
      continue;
    }
    let batch = open.get(record.target.topicArn);
    if (batch === undefined || batch.length >= maxBatchEntries) {
      batch = [];
      open.set(record.target.topicArn, batch);
      groups.push(batch);
    }
    batch.push(record);
  }
  return groups;
}
