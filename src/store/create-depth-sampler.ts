import type { Logger } from '../observability/logger.js';
import { messageStatuses, type Metrics } from '../observability/metrics.js';
import { createPeriodicJob } from './create-periodic-job.js';
import type { MessageStore } from './message-store.js';

export interface DepthSamplerOptions {
  readonly store: MessageStore;
  readonly metrics: Pick<Metrics, 'logDepth' | 'oldestDueAge'>;
  readonly logger: Logger;
  /** 15 s by default: counting rows is not free on a large log. */
  readonly intervalMs?: number;
  readonly now?: () => Date;
}

/**
 * Keeps `snsgate_message_log_depth{status}` and the oldest due age current: every `intervalMs`, and on
 * demand (`sample()`, for example before a scrape). Overlapping calls share one query; errors are
 * logged and leave the last values.
 */
export function createDepthSampler(options: DepthSamplerOptions) {
  const { store, metrics, logger } = options;
  const now = options.now ?? (() => new Date());

  async function read(): Promise<void> {
    try {
      const depth = await store.depth(now());
      for (const status of messageStatuses) metrics.logDepth.set({ status }, depth.byStatus[status]);
      metrics.oldestDueAge.set(depth.oldestDueAgeSeconds);
    } catch (err) {
      logger.warn('could not sample the message log depth', { err });
    }
  }

  const job = createPeriodicJob(read, options.intervalMs ?? 15_000);
  // stop() only clears the timer: a sample in progress just updates the gauges once more.
  return { sample: job.run, start: job.start, stop: (): void => void job.stop() };
}

export type DepthSampler = ReturnType<typeof createDepthSampler>;
