import { GatewayError, errorMessage, isGatewayError } from '../errors.js';
import type { MessageStore } from './message-store.js';

type AsyncMethods = Omit<MessageStore, 'kind' | 'onWake'>;

/**
 * The store as request handlers use it: any failure to reach the message log (file read-only,
 * database restarting) becomes SNSGATE_STORE_UNAVAILABLE (503, Retry-After) instead of a 500.
 */
export function withUnavailableErrors(store: MessageStore): MessageStore {
  const wrap =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await call(...args);
      } catch (err) {
        if (isGatewayError(err)) throw err;
        throw new GatewayError('SNSGATE_STORE_UNAVAILABLE', 'the message log is unavailable; retry later', {
          cause: err,
          retryAfterSeconds: 5,
          hint: errorMessage(err),
          reason: 'store',
        });
      }
    };
  const methods: AsyncMethods = {
    migrate: wrap(() => store.migrate()),
    accept: wrap((m, now, lease) => store.accept(m, now, lease)),
    claimDue: wrap((limit, now, lease) => store.claimDue(limit, now, lease)),
    recordAttempt: wrap((id, outcome, now) => store.recordAttempt(id, outcome, now)),
    get: wrap((id) => store.get(id)),
    findByIdempotencyKey: wrap((template, key) => store.findByIdempotencyKey(template, key)),
    list: wrap((filter) => store.list(filter)),
    requeue: wrap((id, now) => store.requeue(id, now)),
    depth: wrap((now) => store.depth(now)),
    purge: wrap((before, batch) => store.purge(before, batch)),
    ping: wrap(() => store.ping()),
    close: wrap(() => store.close()),
  };
  return { ...methods, kind: store.kind, onWake: (listener) => store.onWake(listener) };
}
