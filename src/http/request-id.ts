import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../observability/logger.js';
import type { AppState } from './app-state.js';

const acceptable = /^[A-Za-z0-9._:-]{1,128}$/;

/** Honours a well-formed `X-Request-Id` or makes one, echoes it, and binds it to the request's logger. */
export function requestId(logger: Logger): Middleware<AppState> {
  return async (ctx, next) => {
    const given = ctx.get('x-request-id');
    const id = acceptable.test(given) ? given : randomUUID();
    ctx.state.requestId = id;
    ctx.state.log = logger.child({ requestId: id });
    ctx.set('X-Request-Id', id);
    await next();
  };
}
