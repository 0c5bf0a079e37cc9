import Database from 'better-sqlite3';
import { waitForMetric } from '../lib/contenders.js';
import { sendMany } from '../lib/load.js';
import type { BenchOptions } from '../lib/options.js';
import { figure, type ScenarioReport } from '../lib/report.js';
import type { SnsgateHandle, Stack } from '../lib/stack.js';
import { round } from '../lib/stats.js';
import { createWebhookFeed } from '../lib/webhooks.js';

const breakerOpen = 2;

interface Sample {
  readonly atS: number;
  readonly published: number;
}

/** The time at which the published count passed `count`, interpolated between samples. */
function timeAt(samples: readonly Sample[], count: number): number {
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1];
    const b = samples[i];
    if (a === undefined || b === undefined || b.published < count) continue;
    const span = b.published - a.published;
    return span === 0 ? b.atS : a.atS + ((count - a.published) / span) * (b.atS - a.atS);
  }
  return Number.NaN;
}

interface PublishedRecord {
  readonly messageId: string;
  readonly message: string;
  readonly at: number;
  readonly attempt: number;
}

interface Row {
  readonly id: string;
  readonly status: string;
  readonly sns_message_id: string | null;
  readonly message_body: string;
}

/**
 * 5. An SNS outage with a backlog, then recovery: the rate the backlog drains at against the configured
 * outbound rate limit, and every accepted message accounted for (message log and SNS server agree).
 */
export async function drainScenario(stack: Stack, gate: SnsgateHandle, options: BenchOptions, log: (l: string) => void): Promise<ScenarioReport> {
  const feed = createWebhookFeed(stack.secret, '/webhooks/order-shipped', 'd5');
  const accepted = new Set<string>();
  await stack.fake.reset();
  await stack.fake.hang();
  feed.presign(options.backlog);
  const outageStarted = Date.now();
  const statuses = await sendMany(gate.url, options.backlog, options.connections, feed.next, (status, body) => {
    if (status !== 202) return;
    for (const m of (JSON.parse(body) as { messages: { id: string }[] }).messages) accepted.add(m.id);
  });
  log(`  ${accepted.size} messages accepted during the outage (${JSON.stringify(statuses)})`);
  await waitForMetric(() => gate.metric('snsgate_breaker_state'), breakerOpen, 30_000);
  log(`  breaker open ${((Date.now() - outageStarted) / 1000).toFixed(1)} s after the outage began; SNS recovers now`);
  await stack.fake.heal();
  const healed = performance.now();
  const healedAt = Date.now();
  const samples: Sample[] = [];
  const deadlineS = 60 + (accepted.size / options.drainRate) * 3;
  for (;;) {
    const { published } = await stack.fake.stats();
    const atS = (performance.now() - healed) / 1000;
    samples.push({ atS, published });
    if (published >= accepted.size || atS > deadlineS) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // Let stragglers (a late duplicate) show up, and the log record the last outcomes.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  // A few calls in flight when SNS came back finish at once (the SDK's retry of a hung attempt); the
  // drain proper starts when the breaker lets the dispatcher claim again: 1 % of the backlog marks it.
  const first = timeAt(samples, accepted.size * 0.01);
  const t5 = timeAt(samples, accepted.size * 0.05);
  const t95 = timeAt(samples, accepted.size * 0.95);
  const steady = (accepted.size * 0.9) / (t95 - t5);
  const last = timeAt(samples, accepted.size);
  const overall = (accepted.size * 0.99) / (last - first);
  log(`  drain began ${first.toFixed(1)} s after recovery (the breaker's reset timeout), took ${(last - first).toFixed(1)} s`);

  const account = accountFor(gate.dbPath, accepted, await stack.fake.published(), healedAt);
  if (account.duplicates > 0) log(`  published more than once (ms after recovery, SDK attempt): ${JSON.stringify(account.duplicateDetails)}`);
  return {
    id: '5',
    title: `drain: backlog of ${accepted.size} after an outage, outbound limit ${options.drainRate}/s`,
    rows: [],
    figures: [
      figure('drain', 'drain rate vs configured rate limit', steady / options.drainRate, 'x', { op: '>=', value: 0.9 }, `${Math.round(steady)}/s from 5 % to 95 % of the backlog`),
      figure('drain', 'drain rate, 1 % to the last message', overall, '/s'),
      figure('drain', 'accepted messages lost', account.lost, 'messages', { op: '==', value: 0 }),
      figure('drain', 'messages published twice', account.duplicates, 'messages'),
    ],
    notes: [
      `accepted ${accepted.size}; log: ${JSON.stringify(account.byStatus)}; SNS server published ${account.published} ` +
        `(${account.matched} matched to an accepted id by SNS MessageId and text; ${account.foreign} from other processes)`,
      `the drain began ${round(first, 1)} s after SNS recovered (the breaker's reset timeout, 30 s as shipped) and took ${round(last - first, 1)} s`,
    ],
    raw: { samples, statuses, account },
  };
}

/**
 * Every accepted id: in the log as sent, and its SNS MessageId (with the same text) at the SNS server.
 * Copies are counted per accepted message (the same text published again); publishes of texts that
 * are no accepted message of this scenario (another process's) are counted apart.
 */
function accountFor(dbPath: string, accepted: ReadonlySet<string>, published: readonly PublishedRecord[], healedAt: number) {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  const rows = db.prepare('SELECT id, status, sns_message_id, message_body FROM message_logs').all() as Row[];
  db.close();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const byText = new Map<string, PublishedRecord[]>();
  for (const p of published) byText.set(p.message, [...(byText.get(p.message) ?? []), p]);
  const textByMessageId = new Map(published.map((p) => [p.messageId, p.message]));
  const byStatus: Record<string, number> = {};
  let lost = 0;
  let matched = 0;
  const ours = new Set<string>();
  for (const id of accepted) {
    const row = byId.get(id);
    byStatus[row?.status ?? 'missing'] = (byStatus[row?.status ?? 'missing'] ?? 0) + 1;
    if (row !== undefined) ours.add(row.message_body);
    const text = row?.sns_message_id === null || row === undefined ? undefined : textByMessageId.get(row.sns_message_id);
    if (row?.status === 'sent' && text === row.message_body) matched += 1;
    else lost += 1;
  }
  const repeated = [...ours].map((text) => byText.get(text) ?? []).filter((list) => list.length > 1);
  const duplicates = repeated.reduce((sum, list) => sum + list.length - 1, 0);
  // When each copy reached the SNS server (ms after SNS recovered) and which SDK attempt carried it.
  const duplicateDetails = repeated.slice(0, 10).map((list) => ({
    text: (list[0]?.message ?? '').slice(0, 48),
    copies: list.map((p) => ({ afterRecoveryMs: p.at - healedAt, attempt: p.attempt })),
  }));
  const foreign = published.filter((p) => !ours.has(p.message)).length;
  return { byStatus, lost, matched, duplicates, duplicateDetails, foreign, published: published.length };
}
