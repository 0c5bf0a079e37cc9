import { createMemoryLogger } from '../observability/logger.js';
import { messageStatuses, type MessageStatus } from '../observability/metrics.js';
import { createStore } from '../store/create-store.js';
import type { MessageStore } from '../store/message-store.js';
import { loadCliConfig, type CheckOptions } from './check-command.js';
import { UsageError, type CliIo, type ExitCode } from './cli-io.js';

export interface MessagesOptions extends CheckOptions {
  readonly status?: string;
  readonly template?: string;
  readonly recipient?: string;
  readonly limit?: string;
}

async function withStore<T>(options: CheckOptions, io: CliIo, use: (store: MessageStore) => Promise<T>): Promise<T> {
  const config = loadCliConfig(options, io.env);
  const store = createStore(config.store.url, { logger: createMemoryLogger('error').logger });
  try {
    await store.migrate();
    return await use(store);
  } finally {
    await store.close();
  }
}

/** `snsgate migrate`: applies pending message-log migrations (start-up does it too). */
export async function migrateCommand(options: CheckOptions, io: CliIo): Promise<ExitCode> {
  await withStore(options, io, async (store) => {
    io.out(`message log (${store.kind}) is migrated\n`);
    return Promise.resolve();
  });
  return 0;
}

/** `snsgate messages list|get|retry`: the message log from the command line (same database as the service). */
export async function messagesCommand(action: string | undefined, id: string | undefined, options: MessagesOptions, io: CliIo): Promise<ExitCode> {
  return withStore(options, io, async (store) => {
    if (action === 'list') {
      const status = options.status;
      if (status !== undefined && !(messageStatuses as readonly string[]).includes(status)) {
        throw new UsageError(`--status must be one of ${messageStatuses.join(', ')}`);
      }
      const limitText = options.limit ?? '50';
      const limit = /^\d+$/.test(limitText) ? Number(limitText) : NaN;
      if (!(limit >= 1 && limit <= 500)) throw new UsageError('--limit must be an integer from 1 to 500');
      const page = await store.list({
        limit,
        ...(status === undefined ? {} : { status: status as MessageStatus }),
        ...(options.template === undefined ? {} : { template: options.template }),
        ...(options.recipient === undefined ? {} : { recipient: options.recipient }),
      });
      for (const m of page.messages) {
        io.out(`${m.id}  ${m.submittedAt.toISOString()}  ${m.template}  ${m.status}  attempts=${m.attempts}  ${m.errorCode ?? ''}\n`);
      }
      return 0;
    }
    if (id === undefined || (action !== 'get' && action !== 'retry')) throw new UsageError('messages needs: list, get <id> or retry <id>');
    const found = action === 'get' ? await store.get(id) : await store.requeue(id, new Date());
    if (found === undefined) {
      io.err(action === 'get' ? `no message ${id}\n` : `message ${id} does not exist or is not failed/dead\n`);
      return 1;
    }
    io.out(`${JSON.stringify(found, null, 2)}\n`);
    return 0;
  });
}
