import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { SdkLoopResult } from '../baselines/sdk-loop.js';
import { watchedProcesses } from './alternate.js';
import { baseEnv, firstJsonLine, freePort, repoRoot, spawnNode, waitHealthy, type ChildHandle } from './processes.js';
import { newWebhookSecret } from './webhooks.js';

/** Node's flags in package.json's start script (e.g. the heap limit), so the bench runs what production runs. */
export function productionNodeArgs(): string[] {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts?: { start?: string } };
  const words = (pkg.scripts?.start ?? '').split(/\s+/);
  return words.slice(1).filter((w) => w.startsWith('--'));
}

/** The load config every snsgate of the bench starts from. */
export const benchConfigPath = 'bench/snsgate.yaml';

/** The local SNS server and its control API. */
export interface FakeSnsHandle {
  readonly url: string;
  readonly handle: ChildHandle;
  /** Publishes seen (every Publish request, answered or not) and messages accepted. */
  stats(): Promise<{ publishRequests: number; published: number }>;
  /**
   * Every SNS request hangs (never answered) until `heal()`. Waits first until no request has arrived
   * for half a second: a server still finishing the last round's publishes (the tutorial's SDK v2 keeps
   * a hung call for 120 s, then retries) must not carry the outage into a later scenario.
   */
  hang(): Promise<void>;
  heal(): Promise<void>;
  reset(): Promise<void>;
  published(): Promise<{ messageId: string; message: string; phoneNumber?: string; at: number; attempt: number }[]>;
}

/** The SDK publish loop child. */
export interface SdkLoopHandle {
  readonly handle: ChildHandle;
  run(concurrency: number, durationMs: number): Promise<SdkLoopResult>;
}

/** A running snsgate (`node dist/main.js`) with its own temp SQLite file. */
export interface SnsgateHandle {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  readonly handle: ChildHandle;
  readonly dbPath: string;
  readonly logPath: string;
  /** Every series of `/metrics` by its name with labels as exposed (`name{label="v"}`). */
  metrics(): Promise<Map<string, number>>;
  /** The value of one series from `/metrics`. */
  metric(name: string): Promise<number | undefined>;
  stop(): Promise<void>;
}

/** How an snsgate of the bench differs from bench/snsgate.yaml. */
export interface SnsgateVariant {
  readonly name: string;
  /** Delivery of the `orders` source (order-shipped webhooks). */
  readonly delivery: 'sync' | 'queued';
  /** Outbound rate limit; 0 (lifted) unless given. */
  readonly messagesPerSecond?: number;
  /** Extra node flags (`--cpu-prof` for profiling). */
  readonly nodeArgs?: readonly string[];
  /** The build to run; `dist/main.js` unless given (bench/compare.ts runs two builds side by side). */
  readonly main?: string;
}

/** Everything the scenarios share: the SNS server, the baselines, secrets and a temp folder. */
export interface Stack {
  readonly dir: string;
  readonly secret: string;
  readonly apiKey: string;
  readonly fake: FakeSnsHandle;
  readonly koa: { readonly url: string; readonly pid: number };
  readonly tutorial: { readonly url: string; readonly pid: number };
  readonly sdk: SdkLoopHandle;
  startSnsgate(variant: SnsgateVariant): Promise<SnsgateHandle>;
  stop(): Promise<void>;
}

const awsEnv = (endpoint: string): Record<string, string> => ({
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIDBENCHEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'bench-secret-access-key',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_ENDPOINT_URL_SNS: endpoint,
});

async function startFake(): Promise<FakeSnsHandle> {
  const handle = spawnNode('fake-sns', 'test/helpers/fake-sns-main.ts', ['--port', '0', '--max-records', '200000'], baseEnv(), {
    stdout: 'pipe',
    nodeArgs: ['--import', 'tsx'],
  });
  const { url } = (await firstJsonLine(handle)) as { url: string };
  watchedProcesses.set('SNS server', handle.pid);
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${url}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`fake SNS ${method} ${path}: ${res.status} ${text}`);
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  };
  return {
    url,
    handle,
    async stats() {
      const s = (await call('GET', '/__control/stats')) as { requests: Record<string, number>; published: number };
      return { publishRequests: s.requests.Publish ?? 0, published: s.published };
    },
    async hang() {
      const deadline = Date.now() + 10_000;
      let seen = -1;
      for (;;) {
        const s = (await call('GET', '/__control/stats')) as { requests: Record<string, number> };
        const count = Object.values(s.requests).reduce((a, b) => a + b, 0);
        if (count === seen || Date.now() > deadline) break;
        seen = count;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      await call('POST', '/__control/fault', { fault: { kind: 'hang' } });
    },
    async heal() {
      await call('DELETE', '/__control/fault');
    },
    async reset() {
      await call('POST', '/__control/reset');
    },
    async published() {
      type Published = { messageId: string; message: string; phoneNumber?: string; at: number; attempt: number };
      return ((await call('GET', '/__control/published')) as { published: Published[] }).published;
    },
  };
}

async function startSdkLoop(fakeUrl: string): Promise<SdkLoopHandle> {
  const env = { ...baseEnv(), ...awsEnv(fakeUrl), SNSGATE_CONFIG: benchConfigPath };
  const handle = spawnNode('sdk-loop', 'bench/baselines/sdk-loop.ts', [], env, { stdout: 'ignore', ipc: true, nodeArgs: ['--import', 'tsx'] });
  await new Promise<void>((resolve, reject) => {
    handle.child.once('message', () => resolve());
    void handle.exited.then(() => reject(new Error(`sdk-loop exited\n${handle.stderr()}`)));
  });
  return {
    handle,
    run(concurrency, durationMs) {
      return new Promise((resolve) => {
        handle.child.once('message', (m: { result: SdkLoopResult }) => resolve(m.result));
        handle.child.send({ run: { concurrency, durationMs } });
      });
    },
  };
}

/** Writes the variant's config (bench/snsgate.yaml with its delivery and rate) to `dir`. */
function writeVariantConfig(dir: string, variant: SnsgateVariant): string {
  const config = parse(readFileSync(benchConfigPath, 'utf8')) as {
    sources: Record<string, { delivery?: string }>;
    publisher: { rateLimit: { messagesPerSecond: number } };
  };
  const orders = config.sources.orders;
  if (orders === undefined) throw new Error(`${benchConfigPath} has no orders source`);
  orders.delivery = variant.delivery;
  config.publisher.rateLimit.messagesPerSecond = variant.messagesPerSecond ?? 0;
  const path = join(dir, `snsgate-${variant.name}.yaml`);
  writeFileSync(path, stringify(config));
  return path;
}

/** Starts the SNS server, the SDK loop, the Koa echo and the tutorial's Express app. */
export async function startStack(): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'snsgate-bench-'));
  const secret = newWebhookSecret();
  const apiKey = `bench-${newWebhookSecret().slice(6, 30)}`;
  const fake = await startFake();
  const sdk = await startSdkLoop(fake.url);
  const koaPort = await freePort();
  const koa = spawnNode('koa-echo', 'bench/baselines/koa-echo.ts', [], { ...baseEnv(), PORT: String(koaPort) }, {
    stdout: 'ignore',
    nodeArgs: ['--import', 'tsx'],
  });
  const tutorialPort = await freePort();
  const tutorial = spawnNode(
    'tutorial',
    'bench/baselines/tutorial/src/server.js',
    [],
    { ...baseEnv(), ...awsEnv(fake.url), SNS_ENDPOINT: fake.url, PORT: String(tutorialPort), API_KEY: apiKey },
    { stdout: { file: join(dir, 'tutorial.log') } },
  );
  const koaUrl = `http://127.0.0.1:${koaPort}`;
  const tutorialUrl = `http://127.0.0.1:${tutorialPort}`;
  await waitHealthy(tutorial, `${tutorialUrl}/health`);
  await waitUntilListening(koa, koaUrl);
  const children: ChildHandle[] = [fake.handle, sdk.handle, koa, tutorial];
  let instance = 0;

  async function startSnsgate(variant: SnsgateVariant): Promise<SnsgateHandle> {
    instance += 1;
    const port = await freePort();
    const dbPath = join(dir, `snsgate-${instance}-${variant.name}.db`);
    const logPath = join(dir, `snsgate-${instance}-${variant.name}.log`);
    const env = {
      ...baseEnv(),
      ...awsEnv(fake.url),
      SNSGATE_CONFIG: writeVariantConfig(dir, variant),
      DATABASE_URL: `sqlite:${dbPath}`,
      PORT: String(port),
      STANDARD_WEBHOOK_SECRET: secret,
      API_KEY: apiKey,
    };
    const nodeArgs = [...productionNodeArgs(), ...(variant.nodeArgs ?? [])];
    const handle = spawnNode(`snsgate-${variant.name}`, variant.main ?? 'dist/main.js', [], env, { stdout: { file: logPath }, nodeArgs });
    const url = `http://127.0.0.1:${port}`;
    await waitHealthy(handle, `${url}/readyz`);
    children.push(handle);
    return {
      name: variant.name,
      url,
      pid: handle.pid,
      handle,
      dbPath,
      logPath,
      metrics: () => readMetrics(url),
      metric: async (name) => (await readMetrics(url)).get(name),
      stop: () => handle.stop(),
    };
  }

  return {
    dir,
    secret,
    apiKey,
    fake,
    koa: { url: koaUrl, pid: koa.pid },
    tutorial: { url: tutorialUrl, pid: tutorial.pid },
    sdk,
    startSnsgate,
    async stop() {
      await Promise.all(children.map((c) => c.stop(5000)));
      if (process.env.SNSGATE_BENCH_KEEP_TMP === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every series of a `/metrics` page, by name with labels as exposed. */
async function readMetrics(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    series.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return series;
}

async function waitUntilListening(handle: ChildHandle, url: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    try {
      await fetch(url, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`${handle.name} did not listen at ${url}\n${handle.stderr()}`);
}
