import type { Logger } from '../observability/logger.js';
import type { MessageStore } from './message-store.js';

export interface RetentionOptions {
  readonly store: MessageStore;
  readonly retentionDays: number;
  readonly logger: Logger;
  /** Hourly by default. */
  readonly intervalMs?: number;
  /** Rows deleted per transaction, so a purge never holds long locks; 500 by default. */
  readonly batchSize?: number;
  readonly now?: () => Date;
}

/**
 * Deletes finished messages (sent, failed, dead, opted out) submitted more than `retentionDays` ago:
 * at start and every `intervalMs`, in small batches. Errors are logged; the next run tries again.
 */
export function createRetention(options: RetentionOptions) {
  const { store, logger } = options;
  const now = options.now ?? (() => new Date());
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  async function purge(): Promise<number> {
    const before = new Date(now().getTime() - options.retentionDays * 86_400_000);
    try {
      const deleted = await store.purge(before, options.batchSize ?? 500);
      if (deleted > 0) logger.info('message log purged', { deleted, before: before.toISOString() });
      return deleted;
    } catch (err) {
      logger.warn('message log purge failed; will retry at the next run', { err });
      return 0;
    }
  }

  /** One purge now (runs do not overlap); resolves with how many rows it deleted. */
  function run(): Promise<number> {
    running ??= purge().finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    run,
    start(): void {
      if (timer !== undefined) return;
      void run();
      timer = setInterval(() => void run(), options.intervalMs ?? 3_600_000);
      timer.unref();
    },
    /** Stops the timer and waits for a purge in progress. */
    async stop(): Promise<void> {
      clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}

export type Retention = ReturnType<typeof createRetention>;
