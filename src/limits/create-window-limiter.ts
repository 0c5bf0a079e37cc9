import type pg from 'pg';
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { WindowLimit } from '../config/config.js';

/** The answer of a limiter: allowed, or refused with when to come back. */
export interface LimitDecision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Seconds until the window resets. */
  readonly resetSeconds: number;
}

/** A fixed-window counter per key (`points` per `durationSeconds`); `points: 0` lifts the limit. */
export interface WindowLimiter {
  readonly limit: WindowLimit;
  consume(key: string, points?: number): Promise<LimitDecision>;
  /** Gives points back (a duplicate request that turned out to send nothing). */
  refund(key: string, points: number): Promise<void>;
}

/** Where counters live: this process, or a PostgreSQL table shared by replicas. */
export type LimiterBackend = { readonly kind: 'memory' } | { readonly kind: 'postgres'; readonly pool: pg.Pool };

const tableName = 'snsgate_rate_limits';

async function buildStore(name: string, limit: WindowLimit, backend: LimiterBackend): Promise<RateLimiterAbstract> {
  const options = { keyPrefix: `snsgate:${name}`, points: limit.points, duration: limit.durationSeconds };
  if (backend.kind === 'memory') return new RateLimiterMemory(options);
  return new Promise((resolve, reject) => {
    const limiter: RateLimiterPostgres = new RateLimiterPostgres(
      {
        ...options,
        storeClient: backend.pool,
        tableName,
        // When PostgreSQL is briefly unreachable, count in memory rather than refuse every request.
        insuranceLimiter: new RateLimiterMemory(options),
      },
      (err?: Error) => (err === undefined || err === null ? resolve(limiter) : reject(err)),
    );
  });
}

function decision(res: RateLimiterRes, points: number, allowed: boolean): LimitDecision {
  return {
    allowed,
    limit: points,
    remaining: Math.max(0, res.remainingPoints),
    resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
  };
}

/** A named window limiter on the chosen backend (rate-limiter-flexible). */
export async function createWindowLimiter(name: string, limit: WindowLimit, backend: LimiterBackend): Promise<WindowLimiter> {
  if (limit.points === 0) {
    return {
      limit,
      consume: () => Promise.resolve({ allowed: true, limit: 0, remaining: 0, resetSeconds: 0 }),
      refund: () => Promise.resolve(),
    };
  }
  const store = await buildStore(name, limit, backend);
  return {
    limit,
    async consume(key, points = 1) {
      try {
        return decision(await store.consume(key, points), limit.points, true);
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return decision(rejection, limit.points, false);
        throw rejection;
      }
    },
    async refund(key, points) {
      await store.reward(key, points);
    },
  };
}
