import type { FakeSns } from '../helpers/fake-sns-server.js';
import type { MessageStore } from '../../src/store/message-store.js';
import { waitFor } from './hardening-kit.js';

/** One accepted message: its log id and the token its SMS text carries. */
export interface Accepted {
  readonly id: string;
  readonly token: string;
}

/** What became of the accepted messages: the message log against what the SNS peer took. */
export interface Audit {
  readonly accepted: number;
  readonly delivered: number;
  readonly lost: number;
  readonly duplicated: number;
  /** Ids not `sent` in the log, with their status. */
  readonly notSent: readonly string[];
  /** Tokens the peer took more than once. */
  readonly duplicates: readonly string[];
  /** Rows `sent` in the log that the peer never took (the log would be lying). */
  readonly phantom: readonly string[];
}

/**
 * Waits until every accepted message is `sent` in the log (or `deadlineMs` passes), then counts the
 * SNS peer's record of each token: delivered exactly once, lost (never taken), duplicated.
 */
export async function auditDelivery(store: MessageStore, fake: FakeSns, accepted: readonly Accepted[], deadlineMs: number): Promise<Audit> {
  const statusOf = async (): Promise<Map<string, string>> => {
    const out = new Map<string, string>();
    for (const a of accepted) out.set(a.id, (await store.get(a.id))?.status ?? 'missing');
    return out;
  };
  let statuses = await statusOf();
  try {
    await waitFor(
      'every accepted message to be sent',
      async () => {
        statuses = await statusOf();
        return [...statuses.values()].every((s) => s === 'sent') ? true : undefined;
      },
      deadlineMs,
      50,
    );
  } catch {
    // Reported below as not sent / lost.
  }
  const taken = new Map<string, number>();
  for (const p of fake.published) {
    const token = /\bTOKEN-[A-Za-z0-9-]+\b/.exec(p.message)?.[0];
    if (token !== undefined) taken.set(token, (taken.get(token) ?? 0) + 1);
  }
  const notSent = accepted.filter((a) => statuses.get(a.id) !== 'sent').map((a) => `${a.id}:${statuses.get(a.id) ?? '?'}`);
  const lost = accepted.filter((a) => (taken.get(a.token) ?? 0) === 0);
  const duplicates = accepted.filter((a) => (taken.get(a.token) ?? 0) > 1).map((a) => `${a.token}×${taken.get(a.token) ?? 0}`);
  const phantom = accepted.filter((a) => statuses.get(a.id) === 'sent' && (taken.get(a.token) ?? 0) === 0).map((a) => a.id);
  return {
    accepted: accepted.length,
    delivered: accepted.length - lost.length,
    lost: lost.length,
    duplicated: duplicates.length,
    notSent,
    duplicates,
    phantom,
  };
}

/** The most requests the peer saw in any window of `windowMs`. */
export function peakRate(times: readonly number[], windowMs = 1000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let from = 0;
  for (let to = 0; to < sorted.length; to++) {
    while ((sorted[to] ?? 0) - (sorted[from] ?? 0) >= windowMs) from++;
    best = Math.max(best, to - from + 1);
  }
  return best;
}
