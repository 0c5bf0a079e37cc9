import { alternate, measureWithCpu, rowOf, watchedProcesses, type Measurement } from '../lib/alternate.js';
import { sdkContender, staticContender, tutorialRequest, waitForMetric, webhookContender } from '../lib/contenders.js';
import { runLoad, sendMany } from '../lib/load.js';
import type { BenchOptions } from '../lib/options.js';
import { figure, type ScenarioReport } from '../lib/report.js';
import type { SnsgateHandle, Stack } from '../lib/stack.js';
import { median, pairedRatio, round } from '../lib/stats.js';
import { createWebhookFeed } from '../lib/webhooks.js';

const breakerOpen = 2;

const rounds = (m: Map<string, Measurement[]>, name: string): Measurement[] => m.get(name) ?? [];

/** 1. Signed order-shipped webhooks delivered sync vs the raw SDK publish loop at the same concurrency. */
export async function syncPipeline(stack: Stack, gate: SnsgateHandle, options: BenchOptions, log: (l: string) => void): Promise<ScenarioReport> {
  const feed = createWebhookFeed(stack.secret, '/webhooks/order-shipped', 's1');
  const gateName = 'snsgate sync webhooks (order-shipped)';
  const sdk = sdkContender(stack, options);
  const results = await alternate([webhookContender(gateName, gate, feed, options, [200]), sdk], options, log);
  const a = rounds(results, gateName);
  const b = rounds(results, sdk.name);
  const throughput = pairedRatio(a.map((m) => m.rps), b.map((m) => m.rps));
  const p99 = pairedRatio(a.map((m) => m.p99Ms), b.map((m) => m.p99Ms));
  return {
    id: '1',
    title: 'sync pipeline: verify, validate, render, message-log write, publish, respond',
    rows: [rowOf(gateName, a), rowOf(sdk.name, b)],
    figures: [
      figure('sync pipeline', 'throughput vs raw SDK loop', throughput, 'x', { op: '>=', value: 0.75 }),
      figure('sync pipeline', 'p99 vs raw SDK loop p99', p99, 'x', { op: '<=', value: 1.5 }),
      figure('sync pipeline', 'p50 vs raw SDK loop p50', pairedRatio(a.map((m) => m.p50Ms), b.map((m) => m.p50Ms)), 'x'),
    ],
    notes: [`${feed.taken()} distinct signed webhooks sent; ${feed.signedLate()} signed during a timed window`],
    raw: { [gateName]: a, [sdk.name]: b },
  };
}

/** 2. The tutorial's route vs the bare Koa echo, the raw SDK loop and the tutorial's Express app. */
export async function tutorialRoute(stack: Stack, gate: SnsgateHandle, options: BenchOptions, log: (l: string) => void): Promise<ScenarioReport> {
  const request = tutorialRequest(stack.apiKey);
  const names = {
    gate: 'snsgate POST /api/mms/send',
    koa: 'bare Koa JSON echo',
    express: 'tutorial Express + SDK v2',
  };
  const sdk = sdkContender(stack, options);
  const results = await alternate(
    [
      staticContender(names.gate, gate, request, options, [200]),
      staticContender(names.koa, stack.koa, request, options, [200]),
      sdk,
      staticContender(names.express, stack.tutorial, request, options, [200]),
    ],
    options,
    log,
  );
  const gateRounds = rounds(results, names.gate);
  const rps = (name: string): number[] => rounds(results, name).map((m) => m.rps);
  return {
    id: '2',
    title: 'tutorial route POST /api/mms/send (sync through the mms template)',
    rows: [names.gate, names.koa, sdk.name, names.express].map((n) => rowOf(n, rounds(results, n))),
    figures: [
      figure('tutorial route', 'throughput vs bare Koa echo', pairedRatio(rps(names.gate), rps(names.koa)), 'x'),
      figure('tutorial route', 'throughput vs raw SDK loop', pairedRatio(rps(names.gate), rps(sdk.name)), 'x'),
      figure('tutorial route', 'throughput vs tutorial Express + SDK v2', pairedRatio(rps(names.gate), rps(names.express)), 'x', { op: '>=', value: 1.5 }),
      figure(
        'tutorial route',
        'p99 vs tutorial Express p99',
        pairedRatio(gateRounds.map((m) => m.p99Ms), rounds(results, names.express).map((m) => m.p99Ms)),
        'x',
      ),
    ],
    notes: [],
    raw: Object.fromEntries(results),
  };
}

/** 4a. Sync webhooks while the SNS server hangs every request, once the breaker is open. */
export async function syncOutage(stack: Stack, gate: SnsgateHandle, options: BenchOptions, log: (l: string) => void): Promise<ScenarioReport> {
  const feed = createWebhookFeed(stack.secret, '/webhooks/order-shipped', 's4');
  await stack.fake.hang();
  try {
    // Enough hanging publishes to pass the breaker's volume threshold; each fails at the SDK call timeout.
    feed.presign(40);
    const started = Date.now();
    const trigger = await sendMany(gate.url, 40, 40, feed.next);
    await waitForMetric(() => gate.metric('snsgate_breaker_state'), breakerOpen, 30_000);
    log(`  breaker open ${((Date.now() - started) / 1000).toFixed(1)} s after the outage began (trigger answers: ${JSON.stringify(trigger)})`);
    const measured = [];
    // Back to back, no warm-up: all of it must fit in the breaker's reset timeout (30 s as shipped).
    for (let round = 1; round <= options.rounds; round++) {
      feed.clear();
      feed.presign(options.durationS * 8000);
      const m = await measureWithCpu(
        {
          name: 'outage',
          pid: gate.pid,
          measure: (durationS) =>
            runLoad({ url: gate.url, connections: options.connections, durationS, expect: [503], next: feed.next, watch: [gate.pid, ...watchedProcesses.values()] }),
        },
        options.durationS,
      );
      measured.push(m);
      log(`  round ${round} outage: ${Math.round(m.rps)}/s 503s, p50 ${m.p50Ms} ms p99 ${m.p99Ms} ms cpu ${m.cpuMsPerReq ?? '?'} ms/req (${JSON.stringify(m.statuses)})`);
    }
    const state = await gate.metric('snsgate_breaker_state');
    const p99 = median(measured.map((m) => m.p99Ms));
    return {
      id: '4a',
      title: 'outage, sync: the SNS server hangs every request; sync webhooks once the breaker is open',
      rows: [rowOf('snsgate sync webhooks → 503 (breaker open)', measured, `max ${round(Math.max(...measured.map((m) => m.maxMs)), 1)} ms`)],
      figures: [figure('outage', 'sync p99 while the breaker is open', p99, 'ms', { op: '<=', value: 50 })],
      notes: [
        `breaker state after the rounds: ${state === breakerOpen ? 'open' : String(state)}`,
        `${feed.taken()} distinct signed webhooks sent; ${feed.signedLate()} signed during a timed window`,
      ],
      raw: { trigger, rounds: measured },
    };
  } finally {
    await stack.fake.heal();
  }
}
