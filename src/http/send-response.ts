import { GatewayError } from '../errors.js';
import { maskPhone } from '../observability/mask.js';
import type { Metrics, RequestOutcome } from '../observability/metrics.js';
import type { ProcessResult } from '../process-message.js';
import type { MessageRecord } from '../store/message-store.js';
import type { AppContext } from './app-state.js';

/** One message in a send answer; the recipient masked (webhook senders do not need the number). */
export function messageSummary(m: MessageRecord): Record<string, unknown> {
  return {
    id: m.id,
    status: m.status,
    recipient: maskPhone(m.recipient),
    segments: m.segments,
    encoding: m.encoding,
    ...(m.snsMessageId === null ? {} : { snsMessageId: m.snsMessageId }),
    ...(m.errorCode === null ? {} : { error: { code: m.errorCode, message: m.errorMessage } }),
  };
}

const finished = new Set(['sent', 'opted_out']);

/**
 * Answers a processed send: 202 when queued (or a repeat still pending), 200 when every message is
 * sent; a sync publish failure is 503 (retryable, with Retry-After) or 502 (SNS refused), each with
 * the message ids so the caller can look them up.
 */
export function respondToSend(ctx: AppContext, result: ProcessResult): void {
  if (result.duplicate) ctx.set('Idempotent-Replayed', 'true');
  const ids = result.messages.map((m) => m.id);
  ctx.state.messageIds = ids;
  if (result.failure !== undefined) {
    const { failure } = result;
    if (failure.retryable) {
      throw new GatewayError('SNSGATE_PUBLISH_UNAVAILABLE', `SNS did not take the message (${failure.reason}); retry later`, {
        retryAfterSeconds: failure.retryAfterSeconds ?? 5,
        reason: failure.reason,
        extra: { messageIds: ids, snsError: failure.errorName },
      });
    }
    throw new GatewayError('SNSGATE_PUBLISH_REJECTED', `SNS refused the message: ${failure.errorName}`, {
      reason: failure.reason,
      extra: { messageIds: ids, snsError: failure.errorName },
    });
  }
  const allDone = result.messages.every((m) => finished.has(m.status));
  ctx.status = result.mode === 'sync' && allDone ? 200 : 202;
  ctx.body = {
    status: allDone ? 'sent' : 'accepted',
    template: result.template,
    mode: result.mode,
    duplicate: result.duplicate,
    messages: result.messages.map(messageSummary),
  };
}

const outcomeByCode: Partial<Record<string, RequestOutcome>> = {
  SNSGATE_SIGNATURE_INVALID: 'signature_invalid',
  SNSGATE_AUTH_REQUIRED: 'signature_invalid',
  SNSGATE_AUTH_FORBIDDEN: 'signature_invalid',
  SNSGATE_BODY_MALFORMED: 'malformed',
  SNSGATE_QUERY_INVALID: 'malformed',
  SNSGATE_TEMPLATE_NOT_FOUND: 'malformed',
  SNSGATE_BODY_TOO_LARGE: 'malformed',
  SNSGATE_CONTENT_TYPE_UNSUPPORTED: 'malformed',
  SNSGATE_IDEMPOTENCY_CONFLICT: 'malformed',
  SNSGATE_PAYLOAD_INVALID: 'payload_invalid',
  SNSGATE_RENDER_FAILED: 'payload_invalid',
  SNSGATE_MESSAGE_TOO_LONG: 'payload_invalid',
  SNSGATE_RECIPIENT_INVALID: 'recipient_invalid',
  SNSGATE_RECIPIENT_COUNTRY_BLOCKED: 'recipient_invalid',
  SNSGATE_RATE_LIMITED: 'limited',
  SNSGATE_RECIPIENT_LIMITED: 'limited',
  SNSGATE_BUDGET_EXHAUSTED: 'limited',
  SNSGATE_PUBLISH_REJECTED: 'publish_failed',
  SNSGATE_PUBLISH_UNAVAILABLE: 'unavailable',
  SNSGATE_STORE_UNAVAILABLE: 'unavailable',
  SNSGATE_TEMPLATE_UNCONFIGURED: 'unavailable',
};

const blockReasonByCode: Partial<Record<string, 'recipient_limit' | 'country' | 'budget'>> = {
  SNSGATE_RECIPIENT_LIMITED: 'recipient_limit',
  SNSGATE_RECIPIENT_COUNTRY_BLOCKED: 'country',
  SNSGATE_BUDGET_EXHAUSTED: 'budget',
};

/** Counts one send request by template and outcome (and abuse blocks by reason); templates unknown are not counted. */
export function countSend(metrics: Metrics, template: string | undefined, result: ProcessResult | undefined, err: unknown): void {
  if (template === undefined) return;
  if (err === undefined) {
    metrics.webhooksReceived.inc({ template, outcome: result?.duplicate === true ? 'duplicate' : 'accepted' });
    return;
  }
  const code = err instanceof GatewayError ? err.code : 'SNSGATE_INTERNAL';
  metrics.webhooksReceived.inc({ template, outcome: outcomeByCode[code] ?? 'error' });
  const reason = blockReasonByCode[code];
  if (reason !== undefined) metrics.blocked.inc({ template, reason });
}

/** Runs one send, counts it by outcome whatever happens, and answers it. */
export async function handleSend(ctx: AppContext, metrics: Metrics, run: () => Promise<ProcessResult>): Promise<void> {
  let result: ProcessResult;
  try {
    result = await run();
  } catch (err) {
    countSend(metrics, ctx.state.template, undefined, err);
    throw err;
  }
  try {
    respondToSend(ctx, result);
  } catch (err) {
    // A sync publish failure is answered as an error: count it as one, not as accepted.
    countSend(metrics, ctx.state.template, result, err);
    throw err;
  }
  countSend(metrics, ctx.state.template, result, undefined);
}
