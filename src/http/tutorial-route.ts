import Router from '@koa/router';
import { GatewayError, isGatewayError } from '../errors.js';
import type { Limits } from '../limits/create-limits.js';
import type { Metrics } from '../observability/metrics.js';
import { processMessage, type PipelineDeps, type ProcessResult } from '../process-message.js';
import type { RuntimeHolder } from '../runtime.js';
import type { AppContext, AppState } from './app-state.js';
import { toGatewayError } from './error-handler.js';
import { setRateLimitHeaders } from './rate-limit.js';
import { parseJson, readRawBody } from './read-body.js';
import { countSend } from './send-response.js';
import { idempotencyKeyOf } from './send-routes.js';

export interface TutorialRouteDeps {
  readonly runtime: RuntimeHolder;
  readonly pipeline: PipelineDeps;
  readonly limits: Limits;
  readonly metrics: Metrics;
  readonly bodyLimitBytes: () => number;
}

/** The tutorial's template: its request is the `mms` template's payload. */
export const tutorialTemplate = 'mms';

const e164 = /^(\+)[1-9]\d{1,14}$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** "15 minutes", "1 minute", "30 seconds": the tutorial's 429 wording for any window. */
function spell(seconds: number): string {
  const [n, unit] = seconds % 60 === 0 ? [seconds / 60, 'minute'] : [seconds, 'second'];
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

function reply(ctx: AppContext, status: number, body: Record<string, unknown>, retryAfterSeconds?: number): void {
  ctx.status = status;
  ctx.body = body;
  if (retryAfterSeconds !== undefined) ctx.set('Retry-After', String(Math.max(1, Math.ceil(retryAfterSeconds))));
}

/** The tutorial's own answers for every error, kept exactly where the tutorial defines them. */
function replyError(ctx: AppContext, thrown: unknown): void {
  // raw-body's 413 and 400 (and other HTTP errors) map onto catalogue codes, as on every other route.
  const err: unknown = toGatewayError(thrown) ?? thrown;
  if (!isGatewayError(err)) {
    ctx.state.log.error('unexpected error', { err });
    reply(ctx, 500, { success: false, error: 'Internal Server Error: An unexpected error occurred.' });
    return;
  }
  ctx.state.errorCode = err.code;
  if (err.code === 'SNSGATE_AUTH_REQUIRED' || err.code === 'SNSGATE_AUTH_FORBIDDEN') {
    reply(ctx, 401, { error: 'Unauthorized: Invalid API Key' });
  } else if (err.code === 'SNSGATE_PUBLISH_REJECTED') {
    reply(ctx, 500, { success: false, error: `Internal Server Error: Failed to send message via SNS. SNS Publish Error: ${err.message}` });
  } else if (err.status === 429 || err.status === 503) {
    const text = err.status === 429 ? `Too Many Requests: ${err.message}` : `Service Unavailable: ${err.message}`;
    reply(ctx, err.status, { success: false, error: text }, err.retryAfterSeconds);
  } else if (err.extra?.tutorialShape === 'error') {
    reply(ctx, 400, { error: `Bad Request: ${err.message}` });
  } else if (err.status < 500) {
    reply(ctx, 400, { success: false, error: `Bad Request: ${err.message}` });
  } else {
    ctx.state.log.error(err.message, { code: err.code });
    reply(ctx, 500, { success: false, error: 'Internal Server Error: An unexpected error occurred.' });
  }
}

/** The tutorial's checks, in its order and with its words, before the shared pipeline runs. */
function tutorialChecks(body: unknown): void {
  const fields = isRecord(body) ? body : {};
  const { phoneNumber, mediaUrl } = fields;
  if (typeof phoneNumber !== 'string' || phoneNumber === '' || typeof mediaUrl !== 'string' || mediaUrl === '') {
    throw new GatewayError('SNSGATE_PAYLOAD_INVALID', 'Missing required fields phoneNumber or mediaUrl.', { extra: { tutorialShape: 'error' } });
  }
  if (!e164.test(phoneNumber)) throw new GatewayError('SNSGATE_RECIPIENT_INVALID', 'Invalid phone number format. Use E.164 format (e.g., +12125551234).');
  if (!/^https?:\/\//i.test(mediaUrl)) throw new GatewayError('SNSGATE_PAYLOAD_INVALID', 'Invalid media URL. Must be a valid HTTP/HTTPS URL.');
}

/**
 * `POST /api/mms/send`, the tutorial's contract: `x-api-key`, `{phoneNumber, messageBody?, mediaUrl}`,
 * the SMS text `messageBody + "\n" + mediaUrl`, sent now (sync) through the `mms` template, the
 * message log and the breaker, answering in the tutorial's shapes.
 */
export function tutorialRoute(deps: TutorialRouteDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.post('/api/mms/send', async (ctx) => {
    ctx.state.template = tutorialTemplate;
    let result: ProcessResult | undefined;
    try {
      const config = deps.runtime.current().config;
      const limited = await deps.limits.client(ctx.ip);
      setRateLimitHeaders(ctx, limited, config.limits.perClient.durationSeconds);
      if (!limited.allowed) {
        deps.metrics.rateLimited.inc({ scope: 'client' });
        throw new GatewayError('SNSGATE_RATE_LIMITED', `Too many requests from this IP, please try again after ${spell(config.limits.perClient.durationSeconds)}`, {
          retryAfterSeconds: limited.resetSeconds,
        });
      }
      const key = ctx.get('x-api-key');
      const principal = key === '' ? undefined : deps.runtime.current().apiKeys.authenticate(key);
      if (principal === undefined || !principal.scopes.includes('send')) throw new GatewayError('SNSGATE_AUTH_REQUIRED');
      ctx.state.principal = principal;
      const rawBody = await readRawBody(ctx, deps.bodyLimitBytes());
      tutorialChecks(parseJson(rawBody));
      const idempotencyKey = idempotencyKeyOf(ctx);
      result = await processMessage(
        {
          kind: 'api',
          templateId: tutorialTemplate,
          principal,
          rawBody,
          mode: 'sync',
          requestId: ctx.state.requestId,
          log: ctx.state.log,
          ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
        },
        deps.pipeline,
      );
      answer(ctx, result);
    } catch (err) {
      countSend(deps.metrics, tutorialTemplate, undefined, err);
      replyError(ctx, err);
      return;
    }
    countSend(deps.metrics, tutorialTemplate, result, undefined);
  });
  return router;
}

function answer(ctx: AppContext, result: ProcessResult): void {
  const message = result.messages[0];
  ctx.state.messageIds = result.messages.map((m) => m.id);
  if (result.failure !== undefined) {
    const f = result.failure;
    // The tutorial answers 500 for any SNS failure; 503 is for an open breaker, and for a retryable
    // failure kept in the outbox (an Idempotency-Key was given, so a repeat reports its fate).
    const kept = result.messages.some((m) => m.status === 'retrying');
    if (f.reason === 'circuit_open' || kept) {
      throw new GatewayError('SNSGATE_PUBLISH_UNAVAILABLE', `SNS did not take the message (${f.reason}); retry later`, {
        retryAfterSeconds: f.retryAfterSeconds ?? 5,
      });
    }
    throw new GatewayError('SNSGATE_PUBLISH_REJECTED', f.message);
  }
  if (message === undefined) throw new GatewayError('SNSGATE_INTERNAL', 'no message was rendered');
  if (message.status === 'opted_out') {
    throw new GatewayError('SNSGATE_RECIPIENT_INVALID', 'The recipient has opted out of SMS (replied STOP); nothing was sent.');
  }
  if (message.status !== 'sent' || message.snsMessageId === null) {
    reply(ctx, 202, { success: true, message: 'Message accepted and queued for SNS.', phoneNumber: message.recipient, messageId: message.id });
    return;
  }
  reply(ctx, 200, {
    success: true,
    message: 'Message submitted to SNS successfully.',
    phoneNumber: message.recipient,
    messageId: message.snsMessageId,
  });
}
