import Koa from 'koa';
import type Router from '@koa/router';
import { accessLog } from './http/access-log.js';
import type { AppState } from './http/app-state.js';
import { errorHandler } from './http/error-handler.js';
import { requestId } from './http/request-id.js';
import type { Logger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';

export interface AppDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly routers: readonly Router<AppState>[];
  /** Trust `X-Forwarded-For` (behind a proxy) for the client address used by rate limits. */
  readonly trustProxy: boolean;
}

/** The Koa app (no listen): request id, access log, one error middleware, then the routers. */
export function createApp(deps: AppDeps): Koa<AppState> {
  const app = new Koa<AppState>({ proxy: deps.trustProxy });
  app.silent = true;
  app.use(requestId(deps.logger));
  app.use(accessLog(deps.metrics));
  app.use(errorHandler());
  for (const router of deps.routers) {
    app.use(router.routes());
    // Not throwing lets the router set `Allow`; the error middleware turns the bare 405/501 into a problem.
    app.use(router.allowedMethods());
  }
  app.on('error', (err: unknown) => {
    // A client that breaks HTTP mid-request (llhttp's HPE_* codes) or hangs up is not a server fault:
    // at error level, anyone could fill the error log at will.
    const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
    const clientFault = typeof code === 'string' && (code.startsWith('HPE_') || code === 'ECONNRESET' || code === 'EPIPE');
    deps.logger.log(clientFault ? 'debug' : 'error', 'error outside the middleware chain', { err });
  });
  return app;
}
