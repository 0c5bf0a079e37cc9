import { randomUUID } from 'node:crypto';
import type { SNSClient } from '@aws-sdk/client-sns';
import pg from 'pg';
import { Registry } from 'prom-client';
import type Koa from 'koa';
import { createApp } from './app.js';
import { buildRuntime, type RuntimeInput } from './build-runtime.js';
import type { Config } from './config/config.js';
import { resolveSecret } from './config/resolve-secret.js';
import { Secret } from './config/secret.js';
import { adminRoutes } from './http/admin-routes.js';
import type { AppState } from './http/app-state.js';
import { healthRoutes, type ReadyCheck } from './http/health-routes.js';
import { messageRoutes } from './http/message-routes.js';
import { metricsRoute } from './http/metrics-route.js';
import { sendRoutes } from './http/send-routes.js';
import { templateRoutes } from './http/template-routes.js';
import { tutorialRoute } from './http/tutorial-route.js';
import { webhookRoutes } from './http/webhook-routes.js';
import { createLimits, type Limits } from './limits/create-limits.js';
import type { Logger } from './observability/logger.js';
import { createMetrics, initialiseLabels, type Metrics } from './observability/metrics.js';
import type { PipelineDeps } from './process-message.js';
import { createDelivery } from './publish/create-delivery.js';
import { createPublisher } from './publish/create-publisher.js';
import { createSnsClient, type SnsClientOverrides } from './publish/create-sns-client.js';
import type { Delivery } from './publish/publisher.js';
import { createRuntimeHolder, type RuntimeHolder } from './runtime.js';
import { createReloader, type Reloader } from './reload.js';
import { createDepthSampler } from './store/create-depth-sampler.js';
import { createDispatcher, type Dispatcher } from './store/create-dispatcher.js';
import { createMessageId } from './store/create-message-id.js';
import { createRetention } from './store/create-retention.js';
import { createStore } from './store/create-store.js';
import type { MessageStore } from './store/message-store.js';
import { withUnavailableErrors } from './store/with-unavailable-errors.js';
import { version } from './version.js';

export interface ServiceOptions extends RuntimeInput {
  /** A client to use instead of building one (tests point it at a local SNS peer). */
  readonly snsClient?: Pick<SNSClient, 'send'>;
  readonly snsOverrides?: SnsClientOverrides;
  readonly registry?: Registry;
  readonly now?: () => Date;
  /** Use this config instead of reading `configPath` at start (reload still reads the file). */
  readonly config?: Config;
}

/** The whole service, built once: the app and everything it runs on, with start and stop. */
export interface Service {
  readonly app: Koa<AppState>;
  /** Served on METRICS_PORT when set (otherwise `/metrics` is on the main app). */
  readonly metricsApp: Koa<AppState> | undefined;
  readonly runtime: RuntimeHolder;
  readonly store: MessageStore;
  readonly delivery: Delivery;
  readonly dispatcher: Dispatcher;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly reloader: Reloader;
  /** Starts the dispatcher and retention. */
  start(): void;
  /** Marks the service not ready (shutdown has begun). */
  beginShutdown(): void;
  /** Stops claiming, waits for in-flight publishes (bounded by the caller), closes the store. */
  stop(): Promise<void>;
}

async function limiterBackend(config: Config, logger: Logger): Promise<{ limits: Limits; close: () => Promise<void> }> {
  if (config.limits.backend === 'memory') return { limits: await createLimits(config.limits, { kind: 'memory' }), close: () => Promise.resolve() };
  if (!config.store.url.startsWith('postgres')) {
    throw new Error('limits.backend postgres needs store.url (DATABASE_URL) to be a postgres:// URL');
  }
  const pool = new pg.Pool({ connectionString: config.store.url, max: 4 });
  // An idle client's error (database restart) is emitted on the pool; unhandled, it would crash the process.
  pool.on('error', (err) => logger.warn('rate-limit database connection dropped', { err }));
  return { limits: await createLimits(config.limits, { kind: 'postgres', pool }), close: () => pool.end() };
}

/**
 * Builds the service from its config: message log (migrated), publisher (dry-run or SNS) wrapped in
 * delivery, limits, runtime (templates, verifiers, keys), dispatcher and the Koa app. No globals:
 * tests call this with their own registry, logger, config and SNS client.
 */
export async function createService(options: ServiceOptions): Promise<Service> {
  const { logger, env } = options;
  const runtime = createRuntimeHolder(await buildRuntime(options, options.config));
  const config = runtime.current().config;
  const now = options.now ?? (() => new Date());
  const registry = options.registry ?? new Registry();
  const metrics = createMetrics(registry, { version });
  initialiseLabels(metrics, {
    templates: runtime.current().templates.list().map((t) => ({ id: t.id, source: t.manifest.source })),
    sources: Object.keys(config.sources),
  });
  const store = createStore(config.store.url, { logger });
  await store.migrate();
  // The client is ours to destroy only when we made it; a test's client belongs to the test.
  const ownClient =
    config.publisher.kind === 'sns' && options.snsClient === undefined ? createSnsClient(config.publisher.sns, options.snsOverrides) : undefined;
  const snsClient = config.publisher.kind === 'sns' ? (options.snsClient ?? ownClient) : undefined;
  const publisher = createPublisher(config.publisher, snsClient === undefined ? { logger } : { logger, snsClient });
  if (config.publisher.kind === 'dry-run' && (env.AWS_REGION !== undefined || env.AWS_ACCESS_KEY_ID !== undefined)) {
    logger.warn('AWS settings are present but the publisher is dry-run: nothing is sent (set SNSGATE_PUBLISHER=sns)');
  }
  const delivery = createDelivery({ publisher, config: config.publisher, metrics, logger });
  const { limits, close: closeLimits } = await limiterBackend(config, logger);
  const dispatcher = createDispatcher({ store, delivery, config: config.dispatcher, metrics, logger, now });
  const retention = createRetention({ store, retentionDays: config.store.retentionDays, logger });
  const depthSampler = createDepthSampler({ store, metrics, logger });
  const reloader = createReloader({ input: options, runtime, metrics, logger });
  let shuttingDown = false;
  const requestStore = withUnavailableErrors(store);
  const pipeline: PipelineDeps = {
    runtime: () => runtime.current(),
    store: requestStore,
    delivery,
    limits,
    wakeDispatcher: () => dispatcher.wake(),
    metrics,
    now,
    newId: () => createMessageId(now().getTime()),
  };
  const bodyLimitBytes = (): number => runtime.current().config.server.bodyLimitBytes;
  const guards = { runtime, limits, metrics };
  const readyChecks = (): ReadyCheck[] => [
    { name: 'shutdown', check: () => (shuttingDown ? Promise.reject(new Error('shutting down')) : Promise.resolve()) },
    { name: 'config', check: () => Promise.resolve() },
    {
      name: 'templates',
      check: () => (runtime.current().templates.list().length > 0 ? Promise.resolve() : Promise.reject(new Error('no templates loaded'))),
    },
    { name: 'messageLog', check: () => store.ping() },
  ];
  const metricsToken = resolveMetricsToken(config, env, logger);
  const metricsRouter = metricsRoute(registry, metricsToken, () => depthSampler.sample());
  const separateMetrics = config.metrics.port !== undefined;
  const routers = [
    healthRoutes(readyChecks),
    webhookRoutes({ pipeline, limits, metrics, bodyLimitBytes }),
    sendRoutes({ ...guards, pipeline, bodyLimitBytes }),
    templateRoutes({ ...guards, bodyLimitBytes }),
    messageRoutes({ ...guards, store: requestStore, wakeDispatcher: () => dispatcher.wake(), now }),
    tutorialRoute({ runtime, pipeline, limits, metrics, bodyLimitBytes }),
    adminRoutes({ ...guards, reloader }),
    ...(separateMetrics ? [] : [metricsRouter]),
  ];
  const trustProxy = config.server.trustProxy;
  const app = createApp({ logger, metrics, routers, trustProxy });
  const metricsApp = separateMetrics ? createApp({ logger, metrics, routers: [metricsRouter], trustProxy }) : undefined;
  return {
    app,
    metricsApp,
    runtime,
    store,
    delivery,
    dispatcher,
    metrics,
    logger,
    reloader,
    start() {
      if (config.dispatcher.enabled) dispatcher.start();
      else logger.warn('dispatcher.enabled is false: queued messages wait for another replica');
      retention.start();
      depthSampler.start();
    },
    beginShutdown() {
      shuttingDown = true;
    },
    async stop() {
      shuttingDown = true;
      depthSampler.stop();
      await retention.stop();
      await dispatcher.stop();
      delivery.close();
      await closeLimits();
      await store.close();
      ownClient?.destroy();
    },
  };
}

function resolveMetricsToken(config: Config, env: NodeJS.ProcessEnv, logger: Logger): Secret | undefined {
  if (config.metrics.token === undefined) return undefined;
  const resolved = resolveSecret(config.metrics.token, env);
  if (resolved.ok) return resolved.secret;
  // Fail closed: a configured but missing token must not leave /metrics open, so use one nobody knows.
  logger.warn(`metrics token unavailable (${resolved.why}): /metrics refuses every request`);
  return new Secret(randomUUID());
}
