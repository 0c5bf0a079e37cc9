import type { Middleware } from 'koa';
import { GatewayError } from '../errors.js';
import type { LimitDecision } from '../limits/create-window-limiter.js';
import type { Metrics } from '../observability/metrics.js';
import type { AppContext, AppState } from './app-state.js';

/** Sets the standard `RateLimit-*` headers (IETF draft, as express-rate-limit's `standardHeaders`). */
export function setRateLimitHeaders(ctx: AppContext, d: LimitDecision, windowSeconds: number): void {
  if (d.limit === 0) return;
  ctx.set('RateLimit-Limit', String(d.limit));
  ctx.set('RateLimit-Remaining', String(d.remaining));
  ctx.set('RateLimit-Reset', String(d.resetSeconds));
  ctx.set('RateLimit-Policy', `${d.limit};w=${windowSeconds}`);
}

/** Refuses with 429 (Retry-After, RateLimit headers) when `decide` says the caller is over its limit. */
export function rateLimit(
  scope: 'client' | 'key' | 'source',
  metrics: Metrics,
  decide: (ctx: AppContext) => Promise<{ decision: LimitDecision; windowSeconds: number } | undefined>,
): Middleware<AppState> {
  return async (ctx, next) => {
    const result = await decide(ctx);
    if (result !== undefined) {
      setRateLimitHeaders(ctx, result.decision, result.windowSeconds);
      if (!result.decision.allowed) {
        metrics.rateLimited.inc({ scope });
        throw new GatewayError('SNSGATE_RATE_LIMITED', `too many requests for this ${scope}; retry after ${result.decision.resetSeconds} s`, {
          retryAfterSeconds: result.decision.resetSeconds,
          reason: 'rate_limit',
          extra: { limit: scope },
        });
      }
    }
    await next();
  };
}
