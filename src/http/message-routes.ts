import Router from '@koa/router';
import { GatewayError } from '../errors.js';
import { messageStatuses, type MessageStatus } from '../observability/metrics.js';
import type { MessageFilter, MessageRecord, MessageStore } from '../store/message-store.js';
import { apiGuards, type ApiGuardDeps } from './api-guards.js';
import type { AppContext, AppState } from './app-state.js';

export interface MessageRouteDeps extends ApiGuardDeps {
  readonly store: MessageStore;
  readonly wakeDispatcher: () => void;
  readonly now: () => Date;
}

/** A message log row as the API shows it (to holders of a `read` key: the recipient in full). */
export function messageView(m: MessageRecord): Record<string, unknown> {
  return {
    id: m.id,
    template: m.template,
    source: m.source,
    status: m.status,
    recipient: m.recipient,
    target: m.target,
    body: m.body,
    mediaUrl: m.mediaUrl,
    encoding: m.encoding,
    segments: m.segments,
    attributes: m.attributes,
    delivery: m.delivery,
    attempts: m.attempts,
    nextAttemptAt: m.nextAttemptAt?.toISOString() ?? null,
    snsMessageId: m.snsMessageId,
    error: m.errorCode === null ? null : { code: m.errorCode, message: m.errorMessage },
    idempotencyKey: m.idempotencyKey,
    requestId: m.requestId,
    submittedAt: m.submittedAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
    sentAt: m.sentAt?.toISOString() ?? null,
  };
}

function one(ctx: AppContext, name: string): string | undefined {
  const v = ctx.query[name];
  if (v === undefined) return undefined;
  if (Array.isArray(v)) throw new GatewayError('SNSGATE_QUERY_INVALID', `${name} may be given once`);
  return v;
}

function time(ctx: AppContext, name: string): Date | undefined {
  const v = one(ctx, name);
  if (v === undefined) return undefined;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new GatewayError('SNSGATE_QUERY_INVALID', `${name} must be an ISO 8601 time`);
  return d;
}

/** Reads the list filters from the query string; 400 naming the bad parameter. */
export function filterOf(ctx: AppContext): MessageFilter {
  const status = one(ctx, 'status');
  if (status !== undefined && !(messageStatuses as readonly string[]).includes(status)) {
    throw new GatewayError('SNSGATE_QUERY_INVALID', `status must be one of ${messageStatuses.join(', ')}`);
  }
  const limitText = one(ctx, 'limit') ?? '50';
  const limit = /^\d+$/.test(limitText) ? Number(limitText) : NaN;
  if (!(limit >= 1 && limit <= 500)) throw new GatewayError('SNSGATE_QUERY_INVALID', 'limit must be an integer from 1 to 500');
  const since = time(ctx, 'since');
  const until = time(ctx, 'until');
  const template = one(ctx, 'template');
  const recipient = one(ctx, 'recipient');
  const cursor = one(ctx, 'cursor');
  return {
    limit,
    ...(status === undefined ? {} : { status: status as MessageStatus }),
    ...(template === undefined ? {} : { template }),
    ...(recipient === undefined ? {} : { recipient }),
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
    ...(cursor === undefined ? {} : { cursor }),
  };
}

/** The message log over HTTP: look up, list with filters and cursor, and retry failed or dead messages. */
export function messageRoutes(deps: MessageRouteDeps): Router<AppState> {
  const router = new Router<AppState>();
  const notFound = (id: string): GatewayError => new GatewayError('SNSGATE_MESSAGE_NOT_FOUND', `no message ${JSON.stringify(id.slice(0, 64))}`);
  router.get('/v1/messages', ...apiGuards(deps, 'read'), async (ctx) => {
    const page = await deps.store.list(filterOf(ctx));
    ctx.body = { messages: page.messages.map(messageView), nextCursor: page.nextCursor };
  });
  router.get('/v1/messages/:id', ...apiGuards(deps, 'read'), async (ctx) => {
    const id = ctx.params.id ?? '';
    const m = await deps.store.get(id);
    if (m === undefined) throw notFound(id);
    ctx.body = messageView(m);
  });
  router.post('/v1/messages/:id/retry', ...apiGuards(deps, 'admin'), async (ctx) => {
    const id = ctx.params.id ?? '';
    const existing = await deps.store.get(id);
    if (existing === undefined) throw notFound(id);
    const m = await deps.store.requeue(id, deps.now());
    if (m === undefined) {
      throw new GatewayError('SNSGATE_MESSAGE_NOT_RETRYABLE', `message is ${existing.status}; only failed or dead messages can be retried`);
    }
    ctx.state.log.info('message requeued', { id, by: ctx.state.principal?.name });
    deps.wakeDispatcher();
    ctx.status = 202;
    ctx.body = messageView(m);
  });
  return router;
}
