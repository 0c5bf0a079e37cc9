import type { Config } from '../config/config.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Delivery } from '../publish/publisher.js';
import { createOutcomeRecorder } from './create-outcome-recorder.js';
import { decideAttempt } from './decide-attempt.js';
import { deliverGroup } from './deliver-group.js';
import { groupForDelivery } from './group-for-delivery.js';
import type { MessageRecord, MessageStore } from './message-store.js';

export interface DispatcherOptions {
  readonly store: MessageStore;
  readonly delivery: Delivery;
  readonly config: Config['dispatcher'];
  readonly metrics: Pick<Metrics, 'messages' | 'dispatchAttempts'>;
  readonly logger: Logger;
  readonly now?: () => Date;
  readonly random?: () => number;
}

export interface Dispatcher {
  /** Starts claiming: now, on every store wake-up or `wake()`, and every `pollIntervalMs`. */
  start(): void;
  /** Claims without waiting for the next poll (for example after an accept in this process). */
  wake(): void;
  /** Stops claiming and resolves when in-flight publishes are recorded; the caller bounds the wait. */
  stop(): Promise<void>;
  /** Publishes everything due now, then resolves (the CLI and tests); works started or not. */
  drain(): Promise<void>;
}

const maxStoreBackoffMs = 30_000;

/**
 * The outbox worker: leases due messages from the log, publishes them with at most
 * `config.concurrency` in flight, and records each outcome. It claims only as many as it has free
 * slots, backs off on store errors instead of dying, and pauses while the breaker is open.
 */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { store, delivery, config, logger } = options;
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  const recordOutcome = createOutcomeRecorder({ store, metrics: options.metrics, logger, now });
  let running = false;
  let draining = 0;
  let inFlight = 0;
  let cycle: Promise<void> | undefined;
  let again = false;
  let moreDue = false;
  let claimedTotal = 0;
  let pausedUntil = 0;
  let storeFailures = 0;
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Infinity;
  let unsubscribe: (() => void) | undefined;
  const publishes = new Set<Promise<void>>();
  const active = (): boolean => running || draining > 0;

  function schedule(delayMs: number, replace = false): void {
    if (!running) return;
    const delay = Math.max(0, Math.ceil(delayMs));
    const at = Date.now() + delay;
    if (timer !== undefined && !replace && timerAt <= at) return;
    clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(() => {
      timer = undefined;
      timerAt = Infinity;
      kick();
    }, delay);
    timer.unref();
  }

  function kick(): void {
    if (!active()) return;
    if (cycle !== undefined) {
      again = true;
      return;
    }
    cycle = claimCycle().finally(() => {
      cycle = undefined;
      if (again) {
        again = false;
        kick();
      }
    });
  }

  /** How many messages to claim now: none while paused or the breaker is open, one probe while half-open. */
  function freeSlots(): number {
    const state = delivery.state();
    if (state === 'open') {
      const waitMs = delivery.retryAfterSeconds() * 1000;
      schedule(waitMs > 0 ? waitMs : config.pollIntervalMs);
      return 0;
    }
    const pauseMs = pausedUntil - now().getTime();
    if (pauseMs > 0) {
      schedule(pauseMs);
      return 0;
    }
    return state === 'half_open' ? Math.max(0, 1 - inFlight) : config.concurrency - inFlight;
  }

  async function claimCycle(): Promise<void> {
    try {
      for (;;) {
        const free = freeSlots();
        if (free <= 0) {
          // Saturated: a finishing publish must claim again, even if the last claim came back short.
          if (inFlight > 0) moreDue = true;
          break;
        }
        const limit = Math.min(free, config.batchSize);
        const claimed = await store.claimDue(limit, now(), config.leaseSeconds);
        storeFailures = 0;
        claimedTotal += claimed.length;
        moreDue = claimed.length === limit;
        if (!active()) {
          await deferAll(claimed);
          return;
        }
        for (const group of groupForDelivery(claimed)) track(publish(group), group.length);
        if (!moreDue) break;
      }
      schedule(config.pollIntervalMs);
    } catch (err) {
      storeFailures += 1;
      const retryInMs = Math.min(maxStoreBackoffMs, config.pollIntervalMs * 2 ** Math.min(storeFailures - 1, 10));
      logger.error('dispatcher could not claim messages; retrying', { err, retryInMs, failures: storeFailures });
      schedule(retryInMs, true);
    }
  }

  function track(work: Promise<void>, slots: number): void {
    inFlight += slots;
    const done = work
      .catch((err: unknown) => {
        logger.error('dispatcher publish failed unexpectedly', { err });
      })
      .finally(() => {
        inFlight -= slots;
        publishes.delete(done);
        if (moreDue) kick();
      });
    publishes.add(done);
  }

  async function publish(group: readonly MessageRecord[]): Promise<void> {
    const outcomes = await deliverGroup(delivery, group);
    await Promise.all(
      group.map((message, i) => {
        const outcome = outcomes[i];
        if (outcome === undefined) return Promise.resolve();
        const attempt = decideAttempt(message, outcome, {
          now: now(),
          policy: config,
          random,
          breakerRetryAfterSeconds: delivery.retryAfterSeconds(),
        });
        if (attempt.status === 'deferred') {
          pausedUntil = Math.max(pausedUntil, attempt.nextAttemptAt.getTime());
          schedule(attempt.nextAttemptAt.getTime() - now().getTime());
        } else if (attempt.status === 'retrying') {
          schedule(attempt.nextAttemptAt.getTime() - now().getTime());
        }
        return recordOutcome(message, attempt);
      }),
    );
  }

  async function deferAll(claimed: readonly MessageRecord[]): Promise<void> {
    const at = now();
    await Promise.all(claimed.map((m) => recordOutcome(m, { status: 'deferred', nextAttemptAt: at })));
  }

  async function idle(): Promise<void> {
    while (cycle !== undefined || publishes.size > 0) await Promise.all([cycle, ...publishes]);
  }

  return {
    start() {
      if (running) return;
      running = true;
      unsubscribe = store.onWake(kick);
      kick();
    },
    wake: kick,
    async stop() {
      running = false;
      unsubscribe?.();
      unsubscribe = undefined;
      clearTimeout(timer);
      timer = undefined;
      timerAt = Infinity;
      await idle();
    },
    async drain() {
      draining += 1;
      try {
        for (;;) {
          const before = claimedTotal;
          kick();
          await idle();
          if (claimedTotal === before) return;
        }
      } finally {
        draining -= 1;
      }
    },
  };
}
