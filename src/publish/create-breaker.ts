import CircuitBreaker from 'opossum';
import type { Config } from '../config/config.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { classifySnsError } from './classify-sns-error.js';
import type { BreakerState } from './publisher.js';
import { PublishError } from './publisher.js';

/** A call guarded by the breaker; every failure comes out as a PublishError. */
export interface Breaker {
  run<T>(call: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T>;
  state(): BreakerState;
  /** Seconds until a trial call is let through: 0 closed, 1 half-open, else the rest of the reset timeout. */
  retryAfterSeconds(): number;
  /** Stops the breaker's timers; later runs fail as `circuit_open`. */
  close(): void;
}

/** What the breaker is built from: its config, the SNS call timeout it must sit above, metrics and logger. */
export interface BreakerOptions {
  readonly config: Config['publisher']['breaker'];
  /** The publisher's own bound on one call; the breaker's timeout sits a little above it. */
  readonly callTimeoutMs: number;
  readonly metrics: Pick<Metrics, 'breakerState' | 'breakerEvents'>;
  readonly logger: Logger;
  /** Wall-clock milliseconds (opossum's reset timer runs on real timers). */
  readonly now?: () => number;
}

interface Job {
  readonly call: (signal: AbortSignal) => Promise<unknown>;
  readonly signal: AbortSignal;
  readonly caller: AbortSignal | undefined;
}

/** A failure caused by the caller giving up (shutdown, its own deadline): says nothing about SNS. */
class CallerAborted extends Error {
  constructor(readonly error: unknown) {
    super('aborted by the caller');
  }
}

const stateGauge: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };
const timeoutMarginMs = 250;

/** Bypass used when `breaker.enabled` is false: same contract, always closed. */
function noBreaker(): Breaker {
  return {
    async run(call, signal) {
      try {
        return await call(signal ?? new AbortController().signal);
      } catch (err) {
        throw classifySnsError(err);
      }
    },
    state: () => 'closed',
    retryAfterSeconds: () => 0,
    close: () => undefined,
  };
}

/**
 * An opossum 9 breaker around publisher calls (not inside them). Only retryable PublishErrors (and
 * its own timeouts) count as failures; it opens when their share of at least `volumeThreshold` calls
 * in the rolling window exceeds the threshold, fails fast while open (`circuit_open` with
 * `retryAfterSeconds`), lets one trial through after `resetTimeoutMs`. State goes to metrics and,
 * once per change, to the log. Each call gets its own AbortSignal, never opossum's shared controller.
 */
export function createBreaker(options: BreakerOptions): Breaker {
  const { config, metrics, logger } = options;
  if (!config.enabled) return noBreaker();
  const now = options.now ?? Date.now;
  const timeoutMs = Math.max(config.timeoutMs, options.callTimeoutMs + timeoutMarginMs);
  let openedAt = 0;

  const breaker = new CircuitBreaker<[Job], unknown>(
    async (job: Job) => {
      try {
        return await job.call(job.signal);
      } catch (err) {
        throw job.caller?.aborted ? new CallerAborted(err) : err;
      }
    },
    {
      name: 'sns-publish',
      timeout: timeoutMs,
      errorThresholdPercentage: config.errorThresholdPercentage,
      volumeThreshold: config.volumeThreshold,
      resetTimeout: config.resetTimeoutMs,
      rollingCountTimeout: config.rollingWindowMs,
      rollingCountBuckets: 10,
      // Truthy = not a failure: permanent errors (bad number, auth) and caller aborts say nothing about SNS health.
      errorFilter: (err: unknown) => err instanceof CallerAborted || (err instanceof PublishError && !err.retryable),
    },
  );

  const state = (): BreakerState => (breaker.opened ? 'open' : breaker.halfOpen ? 'half_open' : 'closed');
  function retryAfterSeconds(): number {
    const current = state();
    if (current === 'closed') return 0;
    if (current === 'half_open') return 1;
    return Math.max(1, Math.ceil((openedAt + config.resetTimeoutMs - now()) / 1000));
  }

  function changed(to: BreakerState, event: 'open' | 'half_open' | 'close'): void {
    metrics.breakerState.set(stateGauge[to]);
    metrics.breakerEvents.inc({ event });
  }
  breaker.on('open', () => {
    openedAt = now();
    changed('open', 'open');
    const { failures, fires } = breaker.stats;
    logger.warn('SNS circuit breaker opened: publishing fails fast', { failures, fires, resetTimeoutMs: config.resetTimeoutMs });
  });
  breaker.on('halfOpen', () => {
    changed('half_open', 'half_open');
    logger.info('SNS circuit breaker half-open: letting one trial publish through');
  });
  breaker.on('close', () => {
    changed('closed', 'close');
    logger.info('SNS circuit breaker closed: publishing resumed');
  });
  breaker.on('reject', () => metrics.breakerEvents.inc({ event: 'reject' }));
  breaker.on('timeout', () => metrics.breakerEvents.inc({ event: 'timeout' }));
  breaker.on('failure', () => metrics.breakerEvents.inc({ event: 'failure' }));
  breaker.on('success', () => metrics.breakerEvents.inc({ event: 'success' }));

  function toPublishError(err: unknown): PublishError {
    if (err instanceof CallerAborted) return classifySnsError(err.error);
    if (!(err instanceof Error) || !CircuitBreaker.isOurError(err)) return classifySnsError(err);
    const code = 'code' in err ? err.code : undefined;
    if (code === 'ETIMEDOUT') {
      return new PublishError(`No answer within the breaker timeout of ${timeoutMs} ms`, {
        retryable: true,
        reason: 'timeout',
        errorName: 'BreakerTimeout',
        cause: err,
      });
    }
    if (code === 'ESEMLOCKED') {
      return new PublishError('Too many publishes in flight', { retryable: true, reason: 'throttled', errorName: 'SemaphoreLocked', cause: err });
    }
    return new PublishError('SNS circuit breaker is open', {
      retryable: true,
      reason: 'circuit_open',
      errorName: code === 'ESHUTDOWN' ? 'BreakerShutdown' : 'CircuitOpen',
      retryAfterSeconds: retryAfterSeconds() || 1,
      cause: err,
    });
  }

  return {
    async run<T>(call: (signal: AbortSignal) => Promise<T>, caller?: AbortSignal): Promise<T> {
      // Opossum's timeout does not cancel the action; this per-call controller does (domain.md 3.3).
      const own = new AbortController();
      const signal = caller === undefined ? own.signal : AbortSignal.any([caller, own.signal]);
      try {
        // The action returns exactly what `call` resolved with; opossum's typing only knows `unknown`.
        return (await breaker.fire({ call, signal, caller })) as T;
      } catch (err) {
        own.abort();
        throw toPublishError(err);
      }
    },
    state,
    retryAfterSeconds,
    close: () => breaker.shutdown(),
  };
}
