import { LRUCache } from 'lru-cache';
import type { Config } from '../config/config.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import { maskPhone } from '../observability/mask.js';
import type { Metrics } from '../observability/metrics.js';
import type { Publisher } from './publisher.js';

/** Whether a phone number opted out of SMS, answered from a TTL cache when possible. */
export interface OptOutCheck {
  isOptedOut(phoneNumber: string, signal?: AbortSignal): Promise<boolean>;
  clear(): void;
}

/** What the opt-out check is built from. */
export interface OptOutCheckOptions {
  readonly publisher: Pick<Publisher, 'isOptedOut'>;
  readonly config: Pick<Config['publisher']['optOut'], 'cacheTtlSeconds' | 'cacheSize'>;
  readonly metrics: Pick<Metrics, 'optOutChecks'>;
  readonly logger: Logger;
  /** Monotonic milliseconds for the TTL; `performance.now()` by default. */
  readonly now?: () => number;
}

/**
 * `CheckIfPhoneNumberIsOptedOut` with a bounded TTL cache; concurrent lookups of one number share one
 * call. A failed lookup never blocks a send: it is logged, counted as `error` and answered "not opted
 * out" (SNS itself drops messages to opted-out numbers; the lookup only lets us record `opted_out`).
 */
export function createOptOutCheck(options: OptOutCheckOptions): OptOutCheck {
  const { publisher, config, metrics, logger } = options;
  const cache = new LRUCache<string, boolean>({
    max: config.cacheSize,
    ttl: config.cacheTtlSeconds * 1000,
    ...(options.now === undefined ? {} : { perf: { now: options.now } }),
  });
  const inFlight = new Map<string, Promise<boolean>>();

  async function lookUp(phoneNumber: string, signal?: AbortSignal): Promise<boolean> {
    try {
      const optedOut = await publisher.isOptedOut(phoneNumber, signal);
      cache.set(phoneNumber, optedOut);
      metrics.optOutChecks.inc({ result: optedOut ? 'opted_out' : 'opted_in' });
      return optedOut;
    } catch (err) {
      metrics.optOutChecks.inc({ result: 'error' });
      logger.warn('opt-out lookup failed; sending as not opted out', {
        recipient: maskPhone(phoneNumber),
        error: errorMessage(err),
      });
      return false;
    } finally {
      inFlight.delete(phoneNumber);
    }
  }

  return {
    isOptedOut(phoneNumber, signal) {
      const cached = cache.get(phoneNumber);
      if (cached !== undefined) {
        metrics.optOutChecks.inc({ result: cached ? 'cached_opted_out' : 'cached_opted_in' });
        return Promise.resolve(cached);
      }
      const pending = inFlight.get(phoneNumber) ?? lookUp(phoneNumber, signal);
      inFlight.set(phoneNumber, pending);
      return pending;
    },
    clear() {
      cache.clear();
      inFlight.clear();
    },
  };
}
