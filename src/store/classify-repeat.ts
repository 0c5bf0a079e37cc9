import type { AcceptResult, MessageRecord, NewMessage } from './message-store.js';

/**
 * What an accept answers when rows with the same (template, idempotency key) already exist: a true
 * repeat (`duplicate`) when every stored row carries the incoming payload hash, else `conflict`.
 */
export function classifyRepeat(existing: readonly MessageRecord[], incoming: readonly NewMessage[]): AcceptResult {
  const hashes = new Set(incoming.map((m) => m.payloadHash));
  const same = existing.every((row) => hashes.has(row.payloadHash));
  return { kind: same ? 'duplicate' : 'conflict', messages: existing };
}

/** The distinct (template, idempotency key) pairs of one accept, for the repeat lookup. */
export function idempotencyKeysOf(messages: readonly NewMessage[]): { template: string; key: string }[] {
  const seen = new Map<string, { template: string; key: string }>();
  for (const m of messages) {
    if (m.idempotencyKey === undefined) continue;
    seen.set(JSON.stringify([m.template, m.idempotencyKey]), { template: m.template, key: m.idempotencyKey });
  }
  return [...seen.values()];
}
