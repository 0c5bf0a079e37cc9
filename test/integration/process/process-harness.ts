import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { FakeFault, FakePublish, FakeRequest, FaultScope } from '../../helpers/fake-sns-server.js';
import { shippedSources } from '../../helpers/test-service.js';
import { signWebhook, testSecrets } from '../../helpers/sign-webhook.js';
import type { ServiceProcess } from '../../helpers/spawn-service.js';

/** A fresh temporary folder; `removeDir` deletes it. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `snsgate-${prefix}-`));
}

export function removeDir(dir: string | undefined): void {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}

/** Polls `probe` until it returns a value (not undefined) or the deadline passes. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last === undefined ? '' : `: ${last instanceof Error ? last.message : JSON.stringify(last)}`}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Kills a child process if it still runs and waits for its exit (safe to call twice, or with undefined). */
export async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  await exited;
}

/** Stops a spawned service (SIGKILL: a test's leftovers need no graceful drain). */
export async function stopService(proc: ServiceProcess | undefined): Promise<void> {
  await stopChild(proc?.child);
}

/** The fake SNS peer running in its own process (it outlives the service's kill -9), driven over HTTP. */
export interface FakeSnsProcess {
  readonly url: string;
  readonly child: ChildProcess;
  published(): Promise<FakePublish[]>;
  requests(): Promise<FakeRequest[]>;
  fault(fault: FakeFault, scope?: FaultScope): Promise<void>;
  clearFaults(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `test/helpers/fake-sns-main.ts` on a free port and waits for its URL line. */
export async function startFakeSnsProcess(): Promise<FakeSnsProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/fake-sns-main.ts', '--port', '0'], {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fake SNS did not start: ${stderr}`)), 15000);
    child.once('exit', (code) => reject(new Error(`fake SNS exited (${String(code)}): ${stderr}`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { url: string }).url);
    });
  });
  const control = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${url}/__control/${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    if (!res.ok) throw new Error(`fake SNS control ${method} ${path}: ${res.status} ${await res.text()}`);
    return res.status === 204 ? undefined : res.json();
  };
  return {
    url,
    child,
    published: async () => ((await control('GET', 'published')) as { published: FakePublish[] }).published,
    requests: async () => ((await control('GET', 'requests')) as { requests: FakeRequest[] }).requests,
    fault: async (fault, scope = {}) => {
      await control('POST', 'fault', { fault, ...scope });
    },
    clearFaults: async () => {
      await control('DELETE', 'fault');
    },
    stop: () => stopChild(child, 'SIGTERM'),
  };
}

/** Environment that points a service process at the fake SNS peer with the test secrets. */
export function snsEnv(fakeUrl: string): Record<string, string> {
  return {
    SNSGATE_PUBLISHER: 'sns',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_SNS: fakeUrl,
    STANDARD_WEBHOOK_SECRET: testSecrets['standard-webhooks'].current,
    LOG_LEVEL: 'warn',
  };
}

/** A config for load tests: the shipped sources, limits lifted, no outbound rate limit, a fast dispatcher. */
export function loadTestConfig(overrides: { delivery?: 'queued' | 'sync'; publisher?: Record<string, unknown>; dispatcher?: Record<string, unknown> } = {}): Record<string, unknown> {
  const big = { points: 1_000_000, durationSeconds: 60 };
  return {
    sources: { ...shippedSources, orders: { ...shippedSources.orders, ...(overrides.delivery === undefined ? {} : { delivery: overrides.delivery }) } },
    templates: { dirs: ['templates'] },
    publisher: { rateLimit: { messagesPerSecond: 0 }, ...overrides.publisher },
    dispatcher: { pollIntervalMs: 50, leaseSeconds: 2, backoffBaseMs: 50, backoffMaxMs: 400, ...overrides.dispatcher },
    limits: { perClient: big, perKey: big, perSource: big, perRecipient: big },
  };
}

/** Writes a config object as a YAML file (JSON is YAML) and returns its path. */
export function writeConfig(dir: string, config: Record<string, unknown>, name = 'snsgate.yaml'): string {
  const path = join(dir, name);
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}

/** The order id carried by webhook number `n` (it appears in the SMS text, so the fake's record names it). */
export const orderIdOf = (run: string, n: number): string => `${run}-${String(n).padStart(4, '0')}`;

/** Reads the order id back from a published SMS ("…your order <id> (…"). */
export function orderIdIn(message: string): string | undefined {
  return /your order (\S+) \(/.exec(message)?.[1];
}

/** A valid `order.shipped` event for order `orderId`, texted to one of a hundred test numbers. */
export function orderShippedEvent(orderId: string, n: number): Record<string, unknown> {
  return {
    type: 'order.shipped',
    timestamp: '2026-12-04T21:03:47Z',
    data: {
      orderId,
      customer: { name: 'Dana Test', phone: `+1206555${String(100 + (n % 100)).padStart(4, '0')}` },
      carrier: 'UPS',
      trackingUrl: `https://track.example.com/ups/${orderId}`,
      productImageUrl: 'https://cdn.example.com/products/trail-runner-gtx.jpg',
      items: [{ name: 'Trail Runner GTX', quantity: 1 }],
    },
  };
}

/** Posts one signed `order-shipped` webhook (its own `webhook-id`); the status, or 0 when the connection failed. */
export async function postOrderShipped(baseUrl: string, orderId: string, n: number): Promise<number> {
  const body = JSON.stringify(orderShippedEvent(orderId, n));
  const headers = await signWebhook('standard-webhooks', body, { secret: testSecrets['standard-webhooks'].current, id: `msg_${orderId}` });
  try {
    const res = await fetch(`${baseUrl}/webhooks/order-shipped`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(15000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** What a burst came to: per order id, the HTTP status (0 = no answer). */
export type BurstResult = Map<string, number>;

/**
 * Sends webhooks `0..count-1` with `concurrency` in flight, choosing the target per message.
 * `afterEach(done)` runs after each answer; once `stop()` returns true no new request starts.
 */
export async function sendBurst(options: {
  readonly run: string;
  readonly count: number;
  readonly concurrency: number;
  readonly target: (n: number) => string;
  readonly afterEach?: (answered: number) => void;
  readonly stop?: () => boolean;
}): Promise<BurstResult> {
  const result: BurstResult = new Map();
  let next = 0;
  let answered = 0;
  const worker = async (): Promise<void> => {
    while (next < options.count && options.stop?.() !== true) {
      const n = next++;
      const orderId = orderIdOf(options.run, n);
      result.set(orderId, await postOrderShipped(options.target(n), orderId, n));
      answered += 1;
      options.afterEach?.(answered);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return result;
}

/** How many times the fake published each order id. */
export function publishCounts(published: readonly FakePublish[]): Map<string, FakePublish[]> {
  const byOrder = new Map<string, FakePublish[]>();
  for (const p of published) {
    const id = orderIdIn(p.message);
    if (id === undefined) continue;
    byOrder.set(id, [...(byOrder.get(id) ?? []), p]);
  }
  return byOrder;
}

/** The figures a delivery test prints. */
export interface DeliveryFigures {
  readonly sent: number;
  readonly accepted2xx: number;
  readonly published: number;
  readonly lost: number;
  readonly duplicated: number;
}

/** Compares what callers were told (2xx) with what the peer received. */
export function deliveryFigures(burst: BurstResult, byOrder: Map<string, FakePublish[]>): DeliveryFigures & { lostIds: string[]; duplicatedIds: string[] } {
  const ok = [...burst].filter(([, status]) => status >= 200 && status < 300).map(([id]) => id);
  const lostIds = ok.filter((id) => (byOrder.get(id)?.length ?? 0) === 0);
  const duplicatedIds = [...byOrder].filter(([, list]) => list.length > 1).map(([id]) => id);
  const published = [...byOrder.values()].reduce((n, list) => n + list.length, 0);
  return { sent: burst.size, accepted2xx: ok.length, published, lost: lostIds.length, duplicated: duplicatedIds.length, lostIds, duplicatedIds };
}

/** One line for the test output. */
export function formatFigures(label: string, f: DeliveryFigures, extra = ''): string {
  return `      ${label}: sent=${f.sent} 2xx=${f.accepted2xx} published=${f.published} lost=${f.lost} duplicated=${f.duplicated}${extra}`;
}

/** Statuses that still have work to do (due now, later, or leased). */
export const unfinishedStatuses = ['accepted', 'retrying', 'publishing'] as const;
