import type { Middleware } from 'koa';
import type { Metrics } from '../observability/metrics.js';
import type { AppState } from './app-state.js';

/** The route template a request matched (never the raw path, which would be unbounded). */
function routeOf(ctx: { _matchedRoute?: unknown }): string {
  return typeof ctx._matchedRoute === 'string' ? ctx._matchedRoute : 'unmatched';
}

/** One access line per request (route template, status, duration) and the HTTP duration histogram. */
export function accessLog(metrics: Metrics): Middleware<AppState> {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeOf(ctx as { _matchedRoute?: unknown });
      const status = ctx.status;
      metrics.httpRequestDuration.observe({ method: ctx.method, route, status: String(status) }, seconds);
      ctx.state.log.info('request', {
        method: ctx.method,
        route,
        status,
        durationMs: Math.round(seconds * 1e6) / 1e3,
        ...(ctx.state.template === undefined ? {} : { template: ctx.state.template }),
        ...(ctx.state.principal === undefined ? {} : { keyName: ctx.state.principal.name }),
        ...(ctx.state.errorCode === undefined ? {} : { code: ctx.state.errorCode }),
        ...(ctx.state.messageIds === undefined ? {} : { messageIds: ctx.state.messageIds }),
      });
    }
  };
}
