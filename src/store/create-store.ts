import { GatewayError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import type { MessageStore } from './message-store.js';
import { createPostgresStore } from './postgres/create-postgres-store.js';
import { createSqliteStore } from './sqlite/create-sqlite-store.js';

/**
 * The message log named by `url`: `sqlite:<path>` (its folder is created), `sqlite::memory:`, or
 * `postgres://…` / `postgresql://…`. Call `migrate()` before anything else.
 */
export function createStore(url: string, options: { logger: Logger }): MessageStore {
  if (url.startsWith('sqlite:')) return createSqliteStore(url, options);
  if (/^postgres(ql)?:\/\//.test(url)) return createPostgresStore(url, options);
  // Only the scheme: the rest of a URL may carry a password.
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? '(none)';
  throw new GatewayError('SNSGATE_CONFIG_INVALID', `store.url must start with sqlite: or postgres:// (got scheme ${scheme})`);
}
