import type { OutboundMessage } from '../publish/publisher.js';
import type { MessageRecord } from './message-store.js';

/** The message as it leaves: the stored body is the whole SMS text, media URL line included. */
export function toOutboundMessage(record: MessageRecord): OutboundMessage {
  return { id: record.id, target: record.target, text: record.body, sms: record.attributes, segments: record.segments };
}
