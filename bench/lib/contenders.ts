import { readFileSync } from 'node:fs';
import { watchedProcesses, type Contender } from './alternate.js';
import { runLoad, type HttpRequestSpec, type LoadResult } from './load.js';
import type { BenchOptions } from './options.js';
import type { Stack } from './stack.js';
import type { WebhookFeed } from './webhooks.js';

/** The tutorial's request: the `mms` template's `picture` example with the API key. */
export function tutorialRequest(apiKey: string): HttpRequestSpec {
  return {
    method: 'POST',
    path: '/api/mms/send',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
    body: readFileSync('templates/mms/examples/picture.json', 'utf8'),
  };
}

/**
 * Signed webhooks from `feed` against the server, each round pre-signed before its timed part: 1.5
 * times what the fastest round so far needed (the rest is dropped, so no signature grows old).
 */
export function webhookContender(
  name: string,
  server: { readonly url: string; readonly pid: number },
  feed: WebhookFeed,
  options: BenchOptions,
  expect: readonly number[],
  hooks: {
    before?: () => Promise<void>;
    /** Right before the timed part (after pre-signing). */
    started?: () => Promise<void>;
    onBody?: (status: number, body: string) => void;
  } = {},
): Contender<LoadResult> {
  let lastRps = 6000;
  const { url, pid } = server;
  return {
    name,
    pid,
    ...(hooks.before === undefined ? {} : { before: hooks.before }),
    async measure(durationS) {
      feed.clear();
      // 1.5 times the fastest rate seen so far (a warm-up runs cold; the next round may be faster).
      feed.presign(Math.ceil(lastRps * durationS * 1.5) + 2000);
      await hooks.started?.();
      const result = await runLoad({
        url,
        connections: options.connections,
        durationS,
        expect,
        next: feed.next,
        watch: [pid, ...watchedProcesses.values()],
        ...(hooks.onBody === undefined ? {} : { onBody: hooks.onBody }),
      });
      lastRps = Math.max(lastRps, result.rps);
      return result;
    },
  };
}

/**
 * The bare Koa echo fed the same kind of signed webhooks as snsgate, from a fixed pool used in turn:
 * the echo verifies nothing, so distinct requests buy nothing there, and a pool sized for ~30,000/s
 * would cost the load generator seconds of signing and hundreds of MB per round.
 */
export function echoContender(
  name: string,
  server: { readonly url: string; readonly pid: number },
  feed: WebhookFeed,
  options: BenchOptions,
  hooks: { before?: () => Promise<void> } = {},
): Contender<LoadResult> {
  feed.presign(5000);
  const pool = Array.from({ length: 5000 }, () => feed.next());
  let i = 0;
  const next = (): HttpRequestSpec => pool[i++ % pool.length]!;
  return {
    name,
    pid: server.pid,
    ...(hooks.before === undefined ? {} : { before: hooks.before }),
    measure: (durationS) =>
      runLoad({ url: server.url, connections: options.connections, durationS, expect: [200], next, watch: [server.pid, ...watchedProcesses.values()] }),
  };
}

/** The same request over and over (the tutorial route, the Koa echo, the Express app). */
export function staticContender(
  name: string,
  { url, pid }: { readonly url: string; readonly pid: number },
  request: HttpRequestSpec,
  options: BenchOptions,
  expect: readonly number[],
): Contender<LoadResult> {
  return {
    name,
    pid,
    measure: (durationS) =>
      runLoad({ url, connections: options.connections, durationS, expect, next: () => request, watch: [pid, ...watchedProcesses.values()] }),
  };
}

/** The raw SDK publish loop at the bench's concurrency. */
export function sdkContender(stack: Stack, options: BenchOptions): Contender {
  return {
    name: `raw SDK publish loop (${options.connections} in flight)`,
    pid: stack.sdk.handle.pid,
    measure: (durationS) => stack.sdk.run(options.connections, durationS * 1000),
  };
}

/** Waits until a metric reaches a value (the breaker's state, say), or throws after `timeoutMs`. */
export async function waitForMetric(read: () => Promise<number | undefined>, wanted: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await read()) === wanted) return;
    if (Date.now() > deadline) throw new Error(`metric did not reach ${wanted} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
