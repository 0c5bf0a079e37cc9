import type { Logger } from '../observability/logger.js';
import { createPeriodicJob } from './create-periodic-job.js';
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

  // run(): one purge now (runs do not overlap), resolving with how many rows it deleted.
  return createPeriodicJob(purge, options.intervalMs ?? 3_600_000);
}

export type Retention = ReturnType<typeof createRetention>;
