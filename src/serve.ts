import { defaultConfigPath, loadConfigFile } from './config/load-config.js';
import { createService, type Service } from './create-service.js';
import { errorMessage, isGatewayError } from './errors.js';
import { createHttpServer, type HttpServer } from './http/create-http-server.js';
import { createLogger, type Logger } from './observability/logger.js';
import { version } from './version.js';

/** The config file to use: SNSGATE_CONFIG, else config/snsgate.yaml. */
export function configPathOf(env: NodeJS.ProcessEnv): string {
  const path = env.SNSGATE_CONFIG?.trim();
  return path === undefined || path === '' ? defaultConfigPath : path;
}

/** Prints a start-up failure for a human (stderr) and as a log line; catalogue errors without a stack. */
export function reportFatal(logger: Logger, what: string, err: unknown): void {
  const text = isGatewayError(err) ? err.message : errorMessage(err);
  process.stderr.write(`snsgate: ${what}: ${text}\n`);
  logger.error(what, isGatewayError(err) ? { code: err.code, problems: text } : { err });
}

async function withDeadline(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const done = work.then(() => true);
  const finished = await Promise.race([done, deadline]);
  clearTimeout(timer);
  return finished;
}

/**
 * Runs the service until SIGTERM/SIGINT: stop accepting, let in-flight requests and publishes finish
 * (bounded by `server.shutdownTimeoutMs`), close, and exit 0 (1 if the bound cut something off).
 * SIGHUP reloads config and templates. Start-up failures exit 1 with the reason.
 */
export async function serve(env: NodeJS.ProcessEnv): Promise<void> {
  const configPath = configPathOf(env);
  const bootLogger = createLogger({ level: 'info' });
  let service: Service;
  let servers: HttpServer[];
  try {
    const config = loadConfigFile(configPath, env);
    const logger = createLogger({ level: config.log.level });
    service = await createService({ configPath, env, logger, config });
    const listen = (port: number): Parameters<typeof createHttpServer>[1] => ({ ...config.server, port });
    servers = [await createHttpServer(service.app.callback(), listen(config.server.port))];
    if (service.metricsApp !== undefined && config.metrics.port !== undefined) {
      servers.push(await createHttpServer(service.metricsApp.callback(), listen(config.metrics.port)));
    }
    service.start();
    logger.info('snsgate listening', {
      version,
      port: servers[0]?.port,
      metricsPort: servers[1]?.port ?? null,
      publisher: config.publisher.kind,
      messageLog: service.store.kind,
      templates: service.runtime.current().templates.list().map((t) => t.id),
    });
  } catch (err) {
    reportFatal(bootLogger, 'could not start', err);
    process.exit(1);
  }
  const { logger } = service;
  let stopping = false;
  const shutdown = async (signal: string, failed = false): Promise<void> => {
    if (stopping) return;
    stopping = true;
    const timeoutMs = service.runtime.current().config.server.shutdownTimeoutMs;
    logger.info('shutting down', { signal, timeoutMs });
    service.beginShutdown();
    const started = Date.now();
    const closed = await Promise.all(servers.map((s) => s.close(timeoutMs)));
    const left = Math.max(100, timeoutMs - (Date.now() - started));
    const stopped = await withDeadline(service.stop(), left);
    const clean = closed.every(Boolean) && stopped;
    logger.log(clean ? 'info' : 'warn', clean ? 'stopped' : 'stopped after the shutdown timeout cut work off', { signal });
    process.exit(clean && !failed ? 0 : 1);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGHUP', () => void service.reloader.reload('signal'));
  const fatal = (kind: string) => (err: unknown) => {
    logger.error(`${kind}: a programmer error; exiting`, { err });
    if (stopping) process.exit(1);
    void shutdown(kind, true);
  };
  process.on('uncaughtException', fatal('uncaughtException'));
  process.on('unhandledRejection', fatal('unhandledRejection'));
}
