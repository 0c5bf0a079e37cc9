import type { Middleware } from 'koa';
import { GatewayError, isGatewayError } from '../errors.js';
import type { AppState } from './app-state.js';
import { toProblem } from './problem.js';

interface HttpErrorLike {
  status?: unknown;
  statusCode?: unknown;
  expose?: unknown;
  type?: unknown;
  message?: unknown;
}

/** Maps errors thrown by Koa, raw-body and the router onto catalogue codes; others stay programmer errors. */
export function toGatewayError(err: unknown): GatewayError | undefined {
  if (isGatewayError(err)) return err;
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as HttpErrorLike;
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  if (status === undefined || status >= 500 || e.expose !== true) return undefined;
  if (status === 413) return new GatewayError('SNSGATE_BODY_TOO_LARGE', 'request body is over the size limit', { cause: err });
  if (status === 415) return new GatewayError('SNSGATE_CONTENT_TYPE_UNSUPPORTED', undefined, { cause: err });
  if (status === 404) return new GatewayError('SNSGATE_ROUTE_NOT_FOUND', undefined, { cause: err });
  if (status === 405) return new GatewayError('SNSGATE_METHOD_NOT_ALLOWED', undefined, { cause: err });
  const text = typeof e.message === 'string' ? e.message : 'the request could not be read';
  return new GatewayError('SNSGATE_BODY_MALFORMED', text, { cause: err });
}

/**
 * The one error middleware: every error becomes an `application/problem+json` answer with a stable
 * code. Operational errors log at warn (4xx) or error (5xx); anything else is a programmer error:
 * 500, logged with its stack.
 */
export function errorHandler(): Middleware<AppState> {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.body === undefined || ctx.body === null) {
        if (ctx.status === 404) throw new GatewayError('SNSGATE_ROUTE_NOT_FOUND', `no route for ${ctx.method} ${ctx.path.slice(0, 200)}`);
        if (ctx.status === 405 || ctx.status === 501) {
          throw new GatewayError('SNSGATE_METHOD_NOT_ALLOWED', `${ctx.method} is not allowed here; allowed: ${ctx.response.get('Allow')}`);
        }
      }
    } catch (err) {
      const known = toGatewayError(err);
      const error = known ?? new GatewayError('SNSGATE_INTERNAL', undefined, { cause: err });
      const log = ctx.state.log;
      if (known === undefined) {
        log.error('unexpected error', { err, code: error.code });
      } else if (error.status >= 500) {
        log.error(error.message, { code: error.code, reason: error.reason, hint: error.hint });
      } else if (error.hint !== undefined || error.reason !== undefined) {
        log.warn(error.message, { code: error.code, reason: error.reason, hint: error.hint });
      }
      ctx.status = error.status;
      ctx.type = 'application/problem+json';
      ctx.body = toProblem(error, ctx.state.requestId);
      if (error.retryAfterSeconds !== undefined) ctx.set('Retry-After', String(Math.max(1, Math.ceil(error.retryAfterSeconds))));
      ctx.state.errorCode = error.code;
    }
  };
}
