import { SNSClient } from '@aws-sdk/client-sns';
import { Registry } from 'prom-client';
import { loadConfig } from '../../src/config/load-config.js';
import { createService, type Service } from '../../src/create-service.js';
import { createHttpServer, type HttpServer } from '../../src/http/create-http-server.js';
import { createMemoryLogger } from '../../src/observability/logger.js';
import { startFakeSns, type FakeSns } from './fake-sns-server.js';
import { testSecrets } from './sign-webhook.js';

/** Environment the test service reads secrets from: one per shipped source, and an API key. */
export const testEnv: Record<string, string> = {
  ALERTMANAGER_TOKEN: testSecrets.bearer.current,
  GRAFANA_WEBHOOK_SECRET: testSecrets.grafana.current,
  SHOPIFY_WEBHOOK_SECRET: testSecrets.shopify.current,
  STRIPE_WEBHOOK_SECRET: testSecrets.stripe.current,
  STANDARD_WEBHOOK_SECRET: testSecrets['standard-webhooks'].current,
  ALERT_SMS_TO: '+12065550100,+12065550101',
  API_KEY: 'test-api-key-0123456789',
};

/** The shipped sources, as config/snsgate.yaml has them. */
export const shippedSources = {
  alertmanager: { scheme: 'bearer', secrets: [{ env: 'ALERTMANAGER_TOKEN' }] },
  grafana: { scheme: 'grafana', secrets: [{ env: 'GRAFANA_WEBHOOK_SECRET' }] },
  shopify: { scheme: 'shopify', secrets: [{ env: 'SHOPIFY_WEBHOOK_SECRET' }] },
  stripe: { scheme: 'stripe', secrets: [{ env: 'STRIPE_WEBHOOK_SECRET' }] },
  orders: { scheme: 'standard-webhooks', secrets: [{ env: 'STANDARD_WEBHOOK_SECRET' }] },
};

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      typeof v === 'object' && v !== null && !Array.isArray(v) && typeof b === 'object' && b !== null && !Array.isArray(b)
        ? merge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

export interface TestServiceOptions {
  /** Raw config merged over the test base (shipped sources, in-memory SQLite, dry-run, loose limits). */
  readonly config?: Record<string, unknown>;
  readonly env?: Record<string, string>;
  /** Variables left out of the environment altogether (an absent secret differs from an empty one). */
  readonly without?: readonly string[];
  /** A local SNS endpoint; sets the publisher to sns with a client pointed there. */
  readonly snsEndpoint?: string;
  readonly start?: boolean;
}

export interface TestService {
  readonly service: Service;
  readonly url: string;
  readonly http: HttpServer;
  readonly logs: () => Record<string, unknown>[];
  /** Fetches a path of the service. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** A real service on a real port (port 0), built like main.ts builds it, with test config and peers. */
export async function startTestService(options: TestServiceOptions = {}): Promise<TestService> {
  const without = new Set(options.without ?? []);
  const env = Object.fromEntries(Object.entries({ ...testEnv, ...options.env }).filter(([name]) => !without.has(name)));
  const base: Record<string, unknown> = {
    log: { level: 'debug' },
    sources: shippedSources,
    templates: { dirs: ['templates'], overrides: { alertmanager: { toEnv: 'ALERT_SMS_TO' }, grafana: { toEnv: 'ALERT_SMS_TO' } } },
    store: { url: 'sqlite::memory:' },
    dispatcher: { pollIntervalMs: 50, backoffBaseMs: 20, backoffMaxMs: 200 },
    limits: {
      perClient: { points: 10000, durationSeconds: 60 },
      perKey: { points: 10000, durationSeconds: 60 },
      perSource: { points: 10000, durationSeconds: 60 },
      perRecipient: { points: 1000, durationSeconds: 3600 },
    },
    publisher: options.snsEndpoint === undefined ? { kind: 'dry-run' } : { kind: 'sns', rateLimit: { messagesPerSecond: 0 } },
  };
  const config = loadConfig(merge(base, options.config ?? {}), {}, { file: 'test-config' });
  const { logger, lines } = createMemoryLogger('debug');
  const snsClient =
    options.snsEndpoint === undefined
      ? undefined
      : new SNSClient({
          region: 'us-east-1',
          endpoint: options.snsEndpoint,
          credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
          maxAttempts: config.publisher.sns.maxAttempts,
          requestHandler: { requestTimeout: config.publisher.sns.requestTimeoutMs, throwOnRequestTimeout: true },
        });
  const service = await createService({
    configPath: 'config/snsgate.yaml',
    env,
    logger,
    config,
    registry: new Registry(),
    ...(snsClient === undefined ? {} : { snsClient }),
  });
  const http = await createHttpServer(service.app.callback(), { ...config.server, host: '127.0.0.1', port: 0 });
  if (options.start !== false) service.start();
  const url = `http://127.0.0.1:${http.port}`;
  return {
    service,
    url,
    http,
    logs: lines,
    fetch: (path, init) => fetch(`${url}${path}`, init),
    async close() {
      await http.close(2000);
      await service.stop();
    },
  };
}

/**
 * For one describe block: a fake SNS and a service publishing to it, started before its tests and
 * closed after them. `started` hands both to the block's own variables.
 */
export function useServiceOnFakeSns(
  options: Omit<TestServiceOptions, 'snsEndpoint'>,
  started: (running: { sns: FakeSns; t: TestService }) => void,
): void {
  let running: { sns: FakeSns; t: TestService } | undefined;
  before(async () => {
    const sns = await startFakeSns();
    running = { sns, t: await startTestService({ ...options, snsEndpoint: sns.url }) };
    started(running);
  });
  after(async () => {
    await running?.t.close();
    await running?.sns.close();
  });
}
