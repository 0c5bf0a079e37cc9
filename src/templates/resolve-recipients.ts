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

/** `data` with every comma in its strings made a space: a payload value can be one recipient at most. */
function withoutListSeparators(data: unknown): unknown {
  if (typeof data === 'string') return data.replaceAll(',', ' ');
  if (Array.isArray(data)) return data.map(withoutListSeparators);
  if (typeof data !== 'object' || data === null) return data;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    Object.defineProperty(out, key, { value: withoutListSeparators(value), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * The publish targets for one payload: literals as configured, expressions rendered and split on
 * commas (each a phone number; the guard stage checks it). Empty results dropped, duplicates removed.
 * Only the template's own commas split (`{{join phones ","}}`): a comma inside a payload value (a
 * customer's "phone" of `+1…,+44…`) would otherwise fan one field out to several numbers (SMS pumping).
 */
export function resolveRecipients(specs: readonly RecipientSpec[], data: unknown, fifo: FifoSettings): PublishTarget[] {
  const recipientData = withoutListSeparators(data);
  const targets = specs.flatMap((spec) =>
    spec.kind === 'literal' ? [spec.target] : phoneTargets([spec.template.render(recipientData)]),
  );
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
