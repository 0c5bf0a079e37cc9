import { createHash, timingSafeEqual } from 'node:crypto';
import Router from '@koa/router';
import type { Registry } from 'prom-client';
import type { Secret } from '../config/secret.js';
import { GatewayError } from '../errors.js';
import type { AppState } from './app-state.js';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** `GET /metrics` in Prometheus text format, behind `Authorization: Bearer <token>` when a token is set. */
export function metricsRoute(registry: Registry, token: Secret | undefined): Router<AppState> {
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
    ctx.type = registry.contentType;
    ctx.body = await registry.metrics();
  });
  return router;
}
