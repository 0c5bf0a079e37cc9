import pg from 'pg';
import type { Logger } from '../../observability/logger.js';

const { Client } = pg;

/** How the LISTEN connection shows in `pg_stat_activity`. */
export const listenerApplicationName = 'snsgate-listen';

export interface PostgresListenerOptions {
  readonly connectionString: string;
  readonly channel: string;
  /** Notifications carrying this payload came from this process and are ignored. */
  readonly selfPayload: string;
  readonly onNotify: () => void;
  readonly logger: Logger;
  readonly maxBackoffMs?: number;
}

/**
 * LISTENs on `channel` with a dedicated connection (a pooled one would be handed to queries), and
 * reconnects with backoff when it drops. After a reconnect it calls `onNotify` once, since
 * notifications sent while it was away are lost.
 */
export function createPostgresListener(options: PostgresListenerOptions) {
  const { logger } = options;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  let client: pg.Client | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let failures = 0;
  let closed = false;
  let started = false;

  const retry = (): void => {
    if (closed || retryTimer !== undefined) return;
    const delay = Math.min(maxBackoffMs, 250 * 2 ** Math.min(failures, 10));
    failures += 1;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, delay);
    retryTimer.unref();
  };

  const lost = (c: pg.Client, err?: unknown): void => {
    if (client !== c) return;
    client = undefined;
    if (!closed) logger.warn('message log LISTEN connection lost; reconnecting', { err });
    c.end().catch(() => undefined);
    retry();
  };

  async function connect(): Promise<void> {
    const c = new Client({ connectionString: options.connectionString, keepAlive: true, application_name: listenerApplicationName });
    c.on('error', (err) => lost(c, err));
    c.on('end', () => lost(c));
    c.on('notification', (msg) => {
      if (msg.channel === options.channel && msg.payload !== options.selfPayload) options.onNotify();
    });
    client = c;
    try {
      await c.connect();
      await c.query(`LISTEN ${options.channel}`);
      if (closed) return;
      if (failures > 0) options.onNotify();
      failures = 0;
    } catch (err) {
      lost(c, err);
    }
  }

  return {
    /** Connects on first call; later calls do nothing. */
    start(): void {
      if (started || closed) return;
      started = true;
      void connect();
    },
    async close(): Promise<void> {
      closed = true;
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}
