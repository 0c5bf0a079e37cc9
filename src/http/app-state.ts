import type { ParameterizedContext } from 'koa';
import type { RouterContext } from '@koa/router';
import type { ApiScope, WindowLimit } from '../config/config.js';
import type { Logger } from '../observability/logger.js';

/** The API key that authenticated a request: its name (never the key), scopes and templates. */
export interface ApiPrincipal {
  readonly name: string;
  readonly scopes: readonly ApiScope[];
  readonly templates: readonly string[];
  /** The key's own rate limit; the default `limits.perKey` applies when absent. */
  readonly rateLimit?: WindowLimit;
}

/** Per-request state every middleware may rely on. */
export interface AppState {
  requestId: string;
  log: Logger;
  principal?: ApiPrincipal;
  /** Set by handlers that know it, for the access log and metrics (never an id or a number). */
  template?: string;
  /** The catalogue code of the error answer, for the access log. */
  errorCode?: string;
  /** Ids of the messages a send accepted or found (the access log ties the request to them). */
  messageIds?: readonly string[];
}

export type AppContext = ParameterizedContext<AppState>;
export type AppRouterContext = RouterContext<AppState>;

/** A route parameter as a string ('' when absent), from a context typed without the router's params. */
export function routeParam(ctx: AppContext, name: string): string {
  const params = (ctx as { params?: Record<string, unknown> }).params;
  const value = params?.[name];
  return typeof value === 'string' ? value : '';
}
