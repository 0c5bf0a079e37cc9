import type { PublishTarget } from '../publish/publisher.js';
import type { CompiledTemplate } from './compile-template.js';
import type { RecipientSpec } from './recipient-spec.js';

/** FIFO topic settings: expressions for the group and deduplication ids, and their fallbacks. */
export interface FifoSettings {
  readonly messageGroupId?: CompiledTemplate;
  readonly messageDeduplicationId?: CompiledTemplate;
  /** Group id when the manifest gives none: the template id, so one template's messages stay in order. */
  readonly defaultGroupId: string;
  /** Deduplication id when the manifest gives none: the idempotency key, if any. */
  readonly defaultDeduplicationId: (data: unknown) => string | undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function withFifo(target: PublishTarget, data: unknown, fifo: FifoSettings): PublishTarget {
  if (target.kind !== 'topic' || !target.topicArn.endsWith('.fifo')) return target;
  const messageGroupId = nonEmpty(fifo.messageGroupId?.render(data)) ?? fifo.defaultGroupId;
  const messageDeduplicationId = nonEmpty(fifo.messageDeduplicationId?.render(data)) ?? fifo.defaultDeduplicationId(data);
  return messageDeduplicationId === undefined
    ? { ...target, messageGroupId }
    : { ...target, messageGroupId, messageDeduplicationId };
}

/** Splits a comma-separated recipient list; every entry is a phone number to the guard stage. */
export function phoneTargets(values: readonly string[]): PublishTarget[] {
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '')
    .map((phoneNumber) => ({ kind: 'phone' as const, phoneNumber }));
}

/**
 * The publish targets for one payload: literals as configured, expressions rendered and split on
 * commas (each a phone number; the guard stage checks it). Empty results dropped, duplicates removed.
 */
export function resolveRecipients(specs: readonly RecipientSpec[], data: unknown, fifo: FifoSettings): PublishTarget[] {
  const targets = specs.flatMap((spec) => (spec.kind === 'literal' ? [spec.target] : phoneTargets([spec.template.render(data)])));
  const seen = new Set<string>();
  const unique: PublishTarget[] = [];
  for (const target of targets) {
    const key = target.kind === 'phone' ? `phone:${target.phoneNumber}` : `topic:${target.topicArn}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(withFifo(target, data, fifo));
  }
  return unique;
}
