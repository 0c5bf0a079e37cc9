import { createHash, timingSafeEqual } from 'node:crypto';
import Router from '@koa/router';
import type { Registry } from 'prom-client';
import type { Secret } from '../config/secret.js';
import { GatewayError } from '../errors.js';
import type { AppState } from './app-state.js';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * `GET /metrics` in Prometheus text format, behind `Authorization: Bearer <token>` when a token is set;
 * `beforeScrape` refreshes sampled gauges (message-log depth) first.
 */
export function metricsRoute(registry: Registry, token: Secret | undefined, beforeScrape: () => Promise<void>): Router<AppState> {
  const router = new Router<AppState>();
  const expected = token === undefined ? undefined : digest(token.reveal());
  router.get('/metrics', async (ctx) => {
    if (expected !== undefined) {
      const given = /^Bearer\s+(.+)$/i.exec(ctx.get('authorization'))?.[1]?.trim() ?? '';
      if (!timingSafeEqual(digest(given), expected)) {
        ctx.set('WWW-Authenticate', 'Bearer realm="metrics"');
        throw new GatewayError('SNSGATE_AUTH_REQUIRED', 'metrics need Authorization: Bearer <metrics token>');
      }
    }
    try {
      await beforeScrape();
    } catch (err) {
      // A scrape must still answer when the message log is down: the depth gauges keep their last values.
      ctx.state.log.warn('could not sample the message log for this scrape', { err });
    }
    ctx.type = registry.contentType;
    ctx.body = await registry.metrics();
  });
  return router;
}
