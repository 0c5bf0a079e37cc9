import Router from '@koa/router';
import type { AppState } from './app-state.js';

/** One readiness condition: resolves when ready, rejects with what is wrong. */
export interface ReadyCheck {
  readonly name: string;
  check(): Promise<void>;
}

/** `/health` (the tutorial's shape), `/healthz` (liveness) and `/readyz` (readiness with each check). */
export function healthRoutes(checks: () => readonly ReadyCheck[]): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/health', (ctx) => {
    ctx.body = { status: 'UP', timestamp: new Date().toISOString() };
  });
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const results = await Promise.all(
      checks().map(async (c) => {
        try {
          await c.check();
          return { name: c.name, ok: true as const };
        } catch (err) {
          return { name: c.name, ok: false as const, error: err instanceof Error ? err.message : String(err) };
        }
      }),
    );
    const failing = results.filter((r) => !r.ok);
    ctx.status = failing.length === 0 ? 200 : 503;
    ctx.body = { status: failing.length === 0 ? 'ready' : 'not ready', checks: results };
    if (failing.length > 0) ctx.state.log.warn('not ready', { failing: failing.map((f) => f.name) });
  });
  return router;
}
