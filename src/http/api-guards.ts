import type { Middleware } from 'koa';
import type { ApiScope } from '../config/config.js';
import type { Limits } from '../limits/create-limits.js';
import type { Metrics } from '../observability/metrics.js';
import type { RuntimeHolder } from '../runtime.js';
import type { AppState } from './app-state.js';
import { rateLimit } from './rate-limit.js';
import { requireApiKey } from './require-api-key.js';

export interface ApiGuardDeps {
  readonly runtime: RuntimeHolder;
  readonly limits: Limits;
  readonly metrics: Metrics;
}

/**
 * The middleware every API route runs: a per-client-address limit first (brute force), then the API
 * key and its scope, then the key's own limit.
 */
export function apiGuards(deps: ApiGuardDeps, scope: ApiScope): Middleware<AppState>[] {
  return [
    rateLimit('client', deps.metrics, async (ctx) => ({
      decision: await deps.limits.client(ctx.ip),
      windowSeconds: deps.runtime.current().config.limits.perClient.durationSeconds,
    })),
    requireApiKey(() => deps.runtime.current().apiKeys, scope),
    rateLimit('key', deps.metrics, async (ctx) => {
      const principal = ctx.state.principal;
      if (principal === undefined) return undefined;
      const window = principal.rateLimit ?? deps.runtime.current().config.limits.perKey;
      return { decision: await deps.limits.apiKey(principal.name, principal.rateLimit), windowSeconds: window.durationSeconds };
    }),
  ];
}
