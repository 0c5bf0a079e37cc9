import { runLoad, type HttpRequestSpec } from '../lib/load.js';
import type { BenchOptions } from '../lib/options.js';
import { sampleMemory } from '../lib/processes.js';
import { figure, type ScenarioReport } from '../lib/report.js';
import type { Stack } from '../lib/stack.js';
import { median, round } from '../lib/stats.js';
import { tutorialRequest } from '../lib/contenders.js';
import { createWebhookFeed, orderShippedBody } from '../lib/webhooks.js';

/** A phase's snsgate and the peak of its resident memory (kernel high-water mark). */
export interface PhaseMemory {
  readonly phase: string;
  readonly peakMb: number;
}

/** 6. Peak RSS of every snsgate of the default run. */
export function memoryReport(phases: readonly PhaseMemory[]): ScenarioReport {
  const peak = Math.max(...phases.map((p) => p.peakMb));
  return {
    id: '6',
    title: 'memory: peak RSS of snsgate under load (VmHWM)',
    rows: [],
    figures: [
      figure('memory', 'peak RSS under the default run', peak, 'MB', { op: '<=', value: 200 }),
      ...phases.map((p) => figure('memory', `peak RSS, ${p.phase} phase`, p.peakMb, 'MB')),
    ],
    notes: [],
    raw: { phases },
  };
}

const sliceS = 20;

/**
 * 6 (`--soak`). Ten minutes (by default) of steady load on one snsgate: 20-second slices rotating
 * between sync webhooks, the tutorial route and queued API sends (the dispatcher works too), each at a
 * fixed offered rate the service sustains, so the backlog stays flat and RSS growth means retained
 * memory, not a growing queue. RSS sampled every second; growth from minute 1 to the last minute.
 */
export async function soakScenario(stack: Stack, options: BenchOptions, log: (l: string) => void): Promise<ScenarioReport> {
  const gate = await stack.startSnsgate({ name: 'soak', delivery: 'sync' });
  const sampler = sampleMemory(gate.handle.pid, 1000);
  const feed = createWebhookFeed(stack.secret, '/webhooks/order-shipped', 'soak');
  const tutorial = tutorialRequest(stack.apiKey);
  let sent = 0;
  const apiSend = (): HttpRequestSpec => ({
    method: 'POST',
    path: '/v1/send/order-shipped?mode=queued',
    headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKey },
    body: orderShippedBody(`soak-api-${sent}`, sent++),
  });
  const kinds = [
    { name: 'sync webhooks', expect: [200], next: feed.next, presign: true, rate: options.soakRate },
    { name: 'tutorial route', expect: [200], next: () => tutorial, presign: false, rate: options.soakRate },
    { name: 'queued API sends', expect: [202], next: apiSend, presign: false, rate: Math.round(options.soakRate / 2) },
  ];
  const endAt = Date.now() + options.soakMinutes * 60_000;
  const slices: { kind: string; rps: number; p99Ms: number; atS: number }[] = [];
  const started = Date.now();
  try {
    for (let i = 0; Date.now() < endAt; i++) {
      const kind = kinds[i % kinds.length];
      if (kind === undefined) break;
      if (kind.presign) {
        feed.clear();
        feed.presign(Math.ceil(sliceS * kind.rate * 1.2) + 100);
      }
      const durationS = Math.min(sliceS, Math.floor((endAt - Date.now()) / 1000));
      if (durationS < 1) break;
      const m = await runLoad({ url: gate.url, connections: options.connections, durationS, expect: kind.expect, next: kind.next, rate: kind.rate });
      slices.push({ kind: kind.name, rps: m.rps, p99Ms: m.p99Ms, atS: round((Date.now() - started) / 1000) });
      log(`  ${Math.round((Date.now() - started) / 1000)} s ${kind.name}: ${Math.round(m.rps)}/s p99 ${m.p99Ms} ms`);
    }
  } finally {
    await gate.stop();
  }
  const { peakMb, samples } = sampler.stop();
  const window = (fromS: number, toS: number): number => median(samples.filter((s) => s.atMs >= fromS * 1000 && s.atMs < toS * 1000).map((s) => s.rssMb));
  const lastS = options.soakMinutes * 60;
  const minute1 = window(45, 75);
  const lastMinute = window(lastS - 30, lastS);
  const growth = ((lastMinute - minute1) / minute1) * 100;
  const perMinute = Array.from({ length: options.soakMinutes }, (_, m) => round(window(m * 60 + 30, m * 60 + 60), 1));
  return {
    id: '6s',
    title: `soak: ${options.soakMinutes} minutes of steady mixed load (sync webhooks and tutorial route at ${options.soakRate}/s, queued API sends at ${Math.round(options.soakRate / 2)}/s)`,
    rows: [],
    figures: [
      figure('soak', 'RSS at minute 1', minute1, 'MB'),
      figure('soak', `RSS at minute ${options.soakMinutes}`, lastMinute, 'MB'),
      figure('soak', `RSS growth, minute 1 → ${options.soakMinutes}`, growth, '%', { op: '<=', value: 10 }),
      figure('soak', 'peak RSS', peakMb, 'MB', { op: '<=', value: 200 }),
    ],
    notes: [`RSS per minute (MB, median of its second half): ${perMinute.join(', ')}`],
    raw: { slices, samples: samples.filter((_, i) => i % 5 === 0), perMinute },
  };
}
