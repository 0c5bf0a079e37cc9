import Router from '@koa/router';
import { GatewayError } from '../errors.js';
import type { Reloader } from '../reload.js';
import { apiGuards, type ApiGuardDeps } from './api-guards.js';
import type { AppState } from './app-state.js';

/** `POST /-/reload` (admin key): reloads config and templates, or reports why the old set stays. */
export function adminRoutes(deps: ApiGuardDeps & { reloader: Reloader }): Router<AppState> {
  const router = new Router<AppState>();
  router.post('/-/reload', ...apiGuards(deps, 'admin'), async (ctx) => {
    const result = await deps.reloader.reload('http');
    if (!result.ok) {
      throw new GatewayError('SNSGATE_RELOAD_FAILED', `the new config or templates are not valid; the last good set keeps serving:\n${result.problems}`);
    }
    ctx.body = { status: 'reloaded', ...result };
  });
  return router;
}
