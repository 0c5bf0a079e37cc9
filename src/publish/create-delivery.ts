import type { Config } from '../config/config.js';
import type { Logger } from '../observability/logger.js';
import { maskPhone } from '../observability/mask.js';
import type { Metrics } from '../observability/metrics.js';
import { createBreaker } from './create-breaker.js';
import { createOptOutCheck } from './create-opt-out-check.js';
import { createRateLimiter } from './create-rate-limiter.js';
import { batchTopicArn, maxBatchEntries } from './publish-input.js';
import type {
  BatchEntryResult,
  BatchPublisher,
  Delivery,
  DeliveryOutcome,
  OutboundMessage,
  Publisher,
  PublishTarget,
} from './publisher.js';
import { PublishError } from './publisher.js';
import { alertingErrorNames } from './classify-sns-error.js';

/** What a Delivery is built from; `config` is the whole `publisher` section. */
export interface DeliveryOptions {
  readonly publisher: Publisher | BatchPublisher;
  readonly config: Config['publisher'];
  readonly metrics: Pick<
    Metrics,
    'publishDuration' | 'publishes' | 'breakerState' | 'breakerEvents' | 'rateLimiterWait' | 'optOutChecks'
  >;
  readonly logger: Logger;
  /** Monotonic milliseconds, for durations and the rate limiter. */
  readonly now?: () => number;
}

const recipientOf = (target: PublishTarget): string =>
  target.kind === 'phone' ? maskPhone(target.phoneNumber) : target.topicArn;

/** A wait given up by the caller (shutdown, deadline): retryable, the message stays in the log. */
function aborted(err: unknown): PublishError {
  return new PublishError('Gave up waiting for the outbound rate limiter', {
    retryable: true,
    reason: 'timeout',
    errorName: 'AbortError',
    cause: err,
  });
}

/**
 * The publisher wrapped for use, in this order: opt-out check (phone targets, when enabled) → outbound
 * rate limit → circuit breaker → publisher. Counts publish durations and outcomes, logs failures, and
 * never throws for a publish failure: the outcome says what happened.
 */
export function createDelivery(options: DeliveryOptions): Delivery {
  const { publisher, config, metrics, logger } = options;
  const now = options.now ?? (() => performance.now());
  const breaker = createBreaker({ config: config.breaker, callTimeoutMs: config.sns.callTimeoutMs, metrics, logger });
  const limiter = createRateLimiter({ ...config.rateLimit, metrics, now });
  const optOut = config.optOut.enabled ? createOptOutCheck({ publisher, config: config.optOut, metrics, logger, now }) : undefined;
  for (const [outcome, names] of Object.entries(alertingErrorNames)) {
    for (const error of names) metrics.publishes.inc({ outcome, error }, 0);
  }

  function count(error: PublishError | undefined, entries = 1): void {
    const outcome = error === undefined ? 'success' : error.retryable ? 'retryable' : 'permanent';
    metrics.publishes.inc({ outcome, error: error?.errorName ?? 'none' }, entries);
  }

  function failed(message: OutboundMessage, error: PublishError): DeliveryOutcome {
    // While the breaker is open every send fails fast; the breaker logs that once, not per message.
    if (error.reason !== 'circuit_open') {
      logger.warn('publish failed', {
        messageLogId: message.id,
        recipient: recipientOf(message.target),
        reason: error.reason,
        errorName: error.errorName,
        retryable: error.retryable,
        error: error.message,
      });
    }
    return { status: 'failed', error };
  }

  function circuitOpen(): PublishError {
    metrics.breakerEvents.inc({ event: 'reject' });
    return new PublishError('SNS circuit breaker is open', {
      retryable: true,
      reason: 'circuit_open',
      errorName: 'CircuitOpen',
      retryAfterSeconds: breaker.retryAfterSeconds() || 1,
    });
  }

  async function optedOut(message: OutboundMessage, signal?: AbortSignal): Promise<boolean> {
    // No lookup while the breaker is open: SNS is failing, and the send below fails fast anyway.
    if (optOut === undefined || message.target.kind !== 'phone' || breaker.state() === 'open') return false;
    return optOut.isOptedOut(message.target.phoneNumber, signal);
  }

  async function send(message: OutboundMessage, signal?: AbortSignal): Promise<DeliveryOutcome> {
    if (await optedOut(message, signal)) {
      logger.info('recipient opted out; not sent', { messageLogId: message.id, recipient: recipientOf(message.target) });
      return { status: 'opted_out' };
    }
    // An open breaker refuses at once: queueing for a rate-limit token first would make sync callers
    // wait behind each other (seconds under load) for a 503, and spend tokens on calls never made.
    if (breaker.state() === 'open') return failed(message, circuitOpen());
    try {
      await limiter.acquire(1, signal);
    } catch (err) {
      return failed(message, aborted(err));
    }
    const started = now();
    try {
      const receipt = await breaker.run((s) => publisher.publish(message, s), signal);
      metrics.publishDuration.observe({ outcome: 'success' }, (now() - started) / 1000);
      count(undefined);
      logger.debug('published', { messageLogId: message.id, snsMessageId: receipt.messageId });
      return { status: 'sent', snsMessageId: receipt.messageId };
    } catch (err) {
      const error = err instanceof PublishError ? err : aborted(err);
      if (error.reason !== 'circuit_open') {
        metrics.publishDuration.observe({ outcome: error.retryable ? 'retryable' : 'permanent' }, (now() - started) / 1000);
        count(error);
      }
      return failed(message, error);
    }
  }

  const toOutcome = (result: BatchEntryResult): DeliveryOutcome =>
    result.ok ? { status: 'sent', snsMessageId: result.messageId } : { status: 'failed', error: result.error };

  async function sendBatch(messages: readonly OutboundMessage[], signal?: AbortSignal): Promise<DeliveryOutcome[]> {
    if (messages.length === 0) return [];
    if (messages.length > maxBatchEntries) throw new RangeError(`sendBatch takes at most ${maxBatchEntries} messages`);
    batchTopicArn(messages);
    if (!('publishBatch' in publisher)) return Promise.all(messages.map((m) => send(m, signal)));
    if (breaker.state() === 'open') return messages.map((m) => failed(m, circuitOpen()));
    try {
      await limiter.acquire(messages.length, signal);
    } catch (err) {
      return messages.map((m) => failed(m, aborted(err)));
    }
    const started = now();
    try {
      const results = await breaker.run((s) => publisher.publishBatch(messages, s), signal);
      metrics.publishDuration.observe({ outcome: 'success' }, (now() - started) / 1000);
      return results.map((result, i) => {
        count(result.ok ? undefined : result.error);
        const message = messages[i];
        return result.ok || message === undefined ? toOutcome(result) : failed(message, result.error);
      });
    } catch (err) {
      const error = err instanceof PublishError ? err : aborted(err);
      if (error.reason !== 'circuit_open') {
        metrics.publishDuration.observe({ outcome: error.retryable ? 'retryable' : 'permanent' }, (now() - started) / 1000);
        count(error, messages.length);
      }
      return messages.map((m) => failed(m, error));
    }
  }

  return {
    send,
    sendBatch,
    state: () => breaker.state(),
    retryAfterSeconds: () => breaker.retryAfterSeconds(),
    close() {
      breaker.close();
      limiter.close();
      optOut?.clear();
    },
  };
}
