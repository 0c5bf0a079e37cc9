import type { Middleware } from 'koa';
import type { ApiScope } from '../config/config.js';
import { GatewayError } from '../errors.js';
import type { ApiKeyRing } from './api-key-ring.js';
import type { AppState } from './app-state.js';

/** The key a request presents: `Authorization: Bearer <key>` or `x-api-key: <key>`. */
export function presentedKey(headers: { authorization?: string | string[]; 'x-api-key'?: string | string[] }): string | undefined {
  const bearer = headers.authorization;
  if (typeof bearer === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(bearer);
    if (m?.[1] !== undefined) return m[1];
  }
  const key = headers['x-api-key'];
  return typeof key === 'string' && key.trim() !== '' ? key.trim() : undefined;
}

/** Authenticates an API key and checks its scope; 401 without a valid key, 403 without the scope. */
export function requireApiKey(ring: () => ApiKeyRing, scope: ApiScope): Middleware<AppState> {
  return async (ctx, next) => {
    const key = presentedKey(ctx.headers);
    const match = key === undefined ? undefined : ring().authenticate(key);
    if (match === undefined) {
      ctx.set('WWW-Authenticate', 'Bearer realm="snsgate"');
      throw new GatewayError(
        'SNSGATE_AUTH_REQUIRED',
        key === undefined ? 'send an API key as Authorization: Bearer <key> or x-api-key' : 'the API key is not valid',
      );
    }
    ctx.state.principal = match;
    if (!match.scopes.includes(scope)) {
      throw new GatewayError('SNSGATE_AUTH_FORBIDDEN', `API key ${match.name} lacks the ${scope} scope`);
    }
    await next();
  };
}

/** Whether a principal may use a template (`*` allows all). */
export function allowsTemplate(templates: readonly string[], id: string): boolean {
  return templates.includes('*') || templates.includes(id);
}
