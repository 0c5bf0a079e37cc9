import { alternate, rowOf } from '../lib/alternate.js';
import { echoContender, waitForMetric, webhookContender } from '../lib/contenders.js';
import { sendMany, type LoadResult } from '../lib/load.js';
import type { BenchOptions } from '../lib/options.js';
import { figure, type ScenarioReport } from '../lib/report.js';
import type { SnsgateHandle, Stack } from '../lib/stack.js';
import { median, pairedRatio, round } from '../lib/stats.js';
import { createWebhookFeed } from '../lib/webhooks.js';

const breakerOpen = 2;
const pendingStatuses = ['accepted', 'publishing', 'retrying'];

/** Messages still to publish, from the message-log depth gauge (sampled on each scrape). */
async function pending(gate: SnsgateHandle): Promise<number> {
  const series = await gate.metrics();
  return pendingStatuses.reduce((sum, status) => sum + (series.get(`snsgate_message_log_depth{status="${status}"}`) ?? 0), 0);
}

/** Waits for the dispatcher to publish the backlog; returns how fast it did with no ingest going on. */
async function waitDrained(stack: Stack, gate: SnsgateHandle, timeoutMs = 180_000): Promise<{ seconds: number; published: number }> {
  const started = Date.now();
  const before = (await stack.fake.stats()).published;
  while ((await pending(gate)) > 0) {
    if (Date.now() - started > timeoutMs) throw new Error(`the backlog did not drain within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { seconds: (Date.now() - started) / 1000, published: (await stack.fake.stats()).published - before };
}

interface QueuedRound extends LoadResult {
  /** Messages the dispatcher published during the timed window, per second. */
  readonly dispatchRps: number;
}

/** 3 and 4b: queued ingest vs the bare Koa echo, healthy and then while the SNS server hangs. */
export async function queuedPhase(stack: Stack, gate: SnsgateHandle, options: BenchOptions, log: (l: string) => void): Promise<ScenarioReport[]> {
  const gateFeed = createWebhookFeed(stack.secret, '/webhooks/order-shipped', 'q3');
  const koaFeed = createWebhookFeed(stack.secret, '/webhooks/order-shipped', 'k3');
  const names = { gate: 'snsgate queued webhooks → 202', koa: 'bare Koa JSON echo (same signed webhooks)' };
  const dispatchRates: number[] = [];
  const drains: { seconds: number; published: number }[] = [];
  let publishedBefore = 0;
  const gateContender = webhookContender(names.gate, gate, gateFeed, options, [202], {
    before: async () => void drains.push(await waitDrained(stack, gate)),
    started: async () => void (publishedBefore = (await stack.fake.stats()).published),
  });
  const measureGate = async (durationS: number): Promise<QueuedRound> => {
    const result = await gateContender.measure(durationS);
    const dispatchRps = round(((await stack.fake.stats()).published - publishedBefore) / result.durationS, 1);
    dispatchRates.push(dispatchRps);
    return { ...result, dispatchRps };
  };
  const koaContender = echoContender(names.koa, stack.koa, koaFeed, options, {
    // The snsgate round before left a backlog: drained here (untimed), with no ingest going on.
    before: async () => void drains.push(await waitDrained(stack, gate)),
  });
  const healthy = await alternate(
    [{ name: names.gate, pid: gate.pid, before: () => gateContender.before?.() ?? Promise.resolve(), measure: measureGate }, koaContender],
    options,
    log,
  );
  const gateRounds = healthy.get(names.gate) ?? [];
  const koaRounds = healthy.get(names.koa) ?? [];
  const timedDispatch = dispatchRates.slice(-options.rounds);
  const drained = drains.filter((d) => d.published > 0);
  const drainAlone = median(drained.map((d) => d.published / Math.max(d.seconds, 0.1)));
  const acceptRatio = pairedRatio(gateRounds.map((m) => m.rps), koaRounds.map((m) => m.rps));
  const scenario3: ScenarioReport = {
    id: '3',
    title: 'queued ingest: signed webhooks answered 202 while the dispatcher publishes',
    rows: [rowOf(names.gate, gateRounds, `dispatched meanwhile ${Math.round(median(timedDispatch))}/s`), rowOf(names.koa, koaRounds)],
    figures: [
      figure('queued ingest', 'accept rate vs bare Koa echo', acceptRatio, 'x', { op: '>=', value: 0.35 }),
      figure('queued ingest', 'p99 of accepts', median(gateRounds.map((m) => m.p99Ms)), 'ms'),
      figure('queued ingest', 'dispatch rate while ingesting', median(timedDispatch), '/s'),
      figure('queued ingest', 'dispatch rate with no ingest (backlog drain)', drainAlone, '/s'),
    ],
    notes: [
      `each snsgate round starts with an empty backlog (the previous one drained first, untimed)`,
      `${gateFeed.taken()} distinct signed webhooks sent to snsgate; ${gateFeed.signedLate()} signed during a timed window; the Koa echo gets a pool of 5,000 of the same, in turn`,
    ],
    raw: { [names.gate]: gateRounds, [names.koa]: koaRounds, drains },
  };

  // 4b: the SNS server hangs; once the breaker is open, ingest must go on at the healthy rate.
  const outageFeed = createWebhookFeed(stack.secret, '/webhooks/order-shipped', 'q4');
  await stack.fake.hang();
  try {
    await waitDrained(stack, gate);
    outageFeed.presign(40);
    const started = Date.now();
    await sendMany(gate.url, 40, 20, outageFeed.next);
    await waitForMetric(() => gate.metric('snsgate_breaker_state'), breakerOpen, 30_000);
    log(`  breaker open ${((Date.now() - started) / 1000).toFixed(1)} s after the outage began`);
    const outageName = 'snsgate queued webhooks → 202 (SNS hanging, breaker open)';
    const outage = await alternate(
      [webhookContender(outageName, gate, outageFeed, options, [202]), echoContender(names.koa, stack.koa, koaFeed, options)],
      options,
      log,
      { warmUp: false },
    );
    const outageRounds = outage.get(outageName) ?? [];
    const outageKoa = outage.get(names.koa) ?? [];
    const direct = median(outageRounds.map((m) => m.rps)) / median(gateRounds.map((m) => m.rps));
    const normalised = pairedRatio(outageRounds.map((m) => m.rps), outageKoa.map((m) => m.rps)) / acceptRatio;
    const scenario4b: ScenarioReport = {
      id: '4b',
      title: 'outage, queued: the SNS server hangs every request; queued accepts go on',
      rows: [rowOf(outageName, outageRounds), rowOf(`${names.koa}, same time`, outageKoa)],
      figures: [
        figure('outage', 'queued accept rate vs healthy', direct, 'x', { op: '>=', value: 0.9 }),
        figure('outage', 'same, each against the Koa echo of its rounds', normalised, 'x', undefined, 'drift-corrected'),
        figure('outage', 'queued p99 while the breaker is open', median(outageRounds.map((m) => m.p99Ms)), 'ms'),
      ],
      notes: [
        `backlog left in the log: ${await pending(gate)} messages`,
        `${outageFeed.taken()} distinct signed webhooks sent to snsgate; ${outageFeed.signedLate()} signed during a timed window`,
      ],
      raw: { [outageName]: outageRounds, [names.koa]: outageKoa },
    };
    return [scenario3, scenario4b];
  } finally {
    await stack.fake.heal();
  }
}
