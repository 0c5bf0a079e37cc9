import type { Metrics } from '../observability/metrics.js';

/** An outbound token bucket: callers wait their turn, first come first served. */
export interface RateLimiter {
  /** Resolves when `tokens` may be spent; rejects with the signal's reason if aborted while waiting. */
  acquire(tokens?: number, signal?: AbortSignal): Promise<void>;
  /** Callers waiting now. */
  pending(): number;
  /** Rejects every waiter and stops the timer. */
  close(): void;
}

/** Rate, bucket size and (for tests) the clock of a rate limiter. */
export interface RateLimiterOptions {
  /** Tokens added per second; 0 lifts the limit. */
  readonly messagesPerSecond: number;
  /** Bucket size: how many may leave at once after a quiet spell. */
  readonly burst: number;
  readonly metrics?: Pick<Metrics, 'rateLimiterWait'>;
  /** Milliseconds, monotonic. */
  readonly now?: () => number;
}

function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new DOMException('The wait was aborted', 'AbortError');
}

interface Waiter {
  readonly tokens: number;
  readonly since: number;
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

/**
 * A token bucket refilled at `messagesPerSecond` up to `burst`. A request for more tokens than the
 * bucket holds waits for a full bucket and leaves it in debt, so the long-run rate still holds.
 * Waiters are served strictly in arrival order; each wait is observed in `rateLimiterWait`.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const rate = options.messagesPerSecond;
  const burst = Math.max(1, options.burst);
  const now = options.now ?? (() => performance.now());
  const observe = (ms: number): void => options.metrics?.rateLimiterWait.observe(ms / 1000);
  const queue: Waiter[] = [];
  let tokens = burst;
  let refilledAt = now();
  let timer: NodeJS.Timeout | undefined;

  const needed = (n: number): number => Math.min(n, burst);

  function refill(): void {
    const t = now();
    tokens = Math.min(burst, tokens + ((t - refilledAt) * rate) / 1000);
    refilledAt = t;
  }

  function schedule(): void {
    const head = queue[0];
    if (timer !== undefined || head === undefined) return;
    const ms = Math.max(1, Math.ceil(((needed(head.tokens) - tokens) * 1000) / rate));
    timer = setTimeout(drain, ms);
  }

  function drain(): void {
    timer = undefined;
    refill();
    for (let head = queue[0]; head !== undefined && tokens >= needed(head.tokens); head = queue[0]) {
      queue.shift();
      tokens -= head.tokens;
      head.signal?.removeEventListener('abort', head.onAbort);
      observe(now() - head.since);
      head.resolve();
    }
    schedule();
  }

  function acquire(n = 1, signal?: AbortSignal): Promise<void> {
    if (rate <= 0) {
      observe(0);
      return Promise.resolve();
    }
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    refill();
    if (queue.length === 0 && tokens >= needed(n)) {
      tokens -= n;
      observe(0);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        tokens: n,
        since: now(),
        resolve,
        reject,
        signal,
        onAbort: () => {
          const index = queue.indexOf(waiter);
          if (index >= 0) queue.splice(index, 1);
          if (index === 0 && timer !== undefined) {
            clearTimeout(timer);
            timer = undefined;
            schedule();
          }
          reject(abortReason(signal));
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      queue.push(waiter);
      schedule();
    });
  }

  function close(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    for (const waiter of queue.splice(0)) {
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.reject(new Error('rate limiter closed'));
    }
  }

  return { acquire, pending: () => queue.length, close };
}
