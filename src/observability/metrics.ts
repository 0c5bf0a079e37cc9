import type { Registry} from 'prom-client';
import { Counter, Gauge, Histogram, collectDefaultMetrics } from 'prom-client';

/** Outcomes of one webhook or API send, as counted by `snsgate_webhooks_received_total`. */
export const requestOutcomes = [
  'accepted',
  'duplicate',
  'signature_invalid',
  'malformed',
  'payload_invalid',
  'recipient_invalid',
  'limited',
  'publish_failed',
  'unavailable',
  'error',
] as const;
export type RequestOutcome = (typeof requestOutcomes)[number];

/** Message statuses of the message log (design.md 2.6). */
export const messageStatuses = ['accepted', 'publishing', 'sent', 'retrying', 'failed', 'opted_out', 'dead'] as const;
export type MessageStatus = (typeof messageStatuses)[number];

/** Why a signature check said no: bounded, for logs and metric labels. */
export const signatureFailureReasons = [
  'missing_header',
  'malformed_header',
  'timestamp_out_of_tolerance',
  'no_matching_signature',
  'secret_not_configured',
] as const;
export type SignatureFailureReason = (typeof signatureFailureReasons)[number];

/** Bounded publish error reasons (design.md 2.5). */
export const publishReasons = [
  'throttled',
  'server',
  'timeout',
  'network',
  'client',
  'auth',
  'circuit_open',
  'too_large',
  'opted_out',
] as const;
export type PublishReason = (typeof publishReasons)[number];

export const breakerEvents = ['open', 'half_open', 'close', 'reject', 'timeout', 'failure', 'success'] as const;
export const blockReasons = ['recipient_limit', 'country', 'budget'] as const;
export const encodings = ['GSM-7', 'UCS-2'] as const;

const secondsBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Every snsgate metric, registered on an injected registry (never prom-client's global one). */
export function createMetrics(registry: Registry, options: { version: string; defaults?: boolean } = { version: '0.0.0' }) {
  const registers = [registry];
  if (options.defaults !== false) collectDefaultMetrics({ register: registry, prefix: 'snsgate_' });
  const metrics = {
    registry,
    buildInfo: new Gauge({
      name: 'snsgate_build_info',
      help: 'Build information; always 1.',
      labelNames: ['version', 'node_version'],
      registers,
    }),
    httpRequestDuration: new Histogram({
      name: 'snsgate_http_request_duration_seconds',
      help: 'HTTP request duration by method, route template and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: secondsBuckets,
      registers,
    }),
    webhooksReceived: new Counter({
      name: 'snsgate_webhooks_received_total',
      help: 'Webhooks and API sends received, by template and outcome.',
      labelNames: ['template', 'outcome'],
      registers,
    }),
    signatureFailures: new Counter({
      name: 'snsgate_signature_failures_total',
      help: 'Webhook signature checks that failed, by source and reason.',
      labelNames: ['source', 'reason'],
      registers,
    }),
    validationFailures: new Counter({
      name: 'snsgate_validation_failures_total',
      help: 'Payloads rejected by their template schema, by template.',
      labelNames: ['template'],
      registers,
    }),
    messages: new Counter({
      name: 'snsgate_messages_total',
      help: 'Messages entering each status of the message log, by template and status.',
      labelNames: ['template', 'status'],
      registers,
    }),
    blocked: new Counter({
      name: 'snsgate_messages_blocked_total',
      help: 'Messages refused by abuse protection, by template and reason.',
      labelNames: ['template', 'reason'],
      registers,
    }),
    smsSegments: new Counter({
      name: 'snsgate_sms_segments_total',
      help: 'SMS segments accepted for sending, by template and encoding.',
      labelNames: ['template', 'encoding'],
      registers,
    }),
    publishDuration: new Histogram({
      name: 'snsgate_sns_publish_duration_seconds',
      help: 'Duration of SNS publish calls (including SDK retries), by outcome.',
      labelNames: ['outcome'],
      buckets: secondsBuckets,
      registers,
    }),
    publishes: new Counter({
      name: 'snsgate_sns_publishes_total',
      help: 'SNS publish calls by outcome (success, retryable, permanent) and error name.',
      labelNames: ['outcome', 'error'],
      registers,
    }),
    breakerState: new Gauge({
      name: 'snsgate_breaker_state',
      help: 'Circuit breaker state: 0 closed, 1 half-open, 2 open.',
      registers,
    }),
    breakerEvents: new Counter({
      name: 'snsgate_breaker_events_total',
      help: 'Circuit breaker events by kind.',
      labelNames: ['event'],
      registers,
    }),
    rateLimiterWait: new Histogram({
      name: 'snsgate_rate_limiter_wait_seconds',
      help: 'Time messages waited for the outbound rate limiter.',
      buckets: [0, 0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers,
    }),
    optOutChecks: new Counter({
      name: 'snsgate_opt_out_checks_total',
      help: 'Opt-out lookups by result (opted_out, opted_in, cached_opted_out, cached_opted_in, error).',
      labelNames: ['result'],
      registers,
    }),
    logDepth: new Gauge({
      name: 'snsgate_message_log_depth',
      help: 'Messages in the message log by status (sampled at scrape).',
      labelNames: ['status'],
      registers,
    }),
    oldestDueAge: new Gauge({
      name: 'snsgate_message_log_oldest_due_age_seconds',
      help: 'Age of the oldest message waiting to be published (0 when none).',
      registers,
    }),
    dispatchAttempts: new Counter({
      name: 'snsgate_dispatch_attempts_total',
      help: 'Dispatcher publish attempts by outcome (sent, retrying, failed, dead, opted_out, deferred).',
      labelNames: ['outcome'],
      registers,
    }),
    reloads: new Counter({
      name: 'snsgate_reloads_total',
      help: 'Config and template reloads by outcome.',
      labelNames: ['outcome'],
      registers,
    }),
    templateInfo: new Gauge({
      name: 'snsgate_template_info',
      help: 'The loaded templates and the webhook source of each (source="" for API-only); always 1.',
      labelNames: ['template', 'source'],
      registers,
    }),
    rateLimited: new Counter({
      name: 'snsgate_rate_limited_total',
      help: 'Requests answered 429 by the inbound limiter, by scope (client, key, source).',
      labelNames: ['scope'],
      registers,
    }),
  };
  metrics.buildInfo.set({ version: options.version, node_version: process.version }, 1);
  metrics.breakerState.set(0);
  for (const event of breakerEvents) metrics.breakerEvents.inc({ event }, 0);
  for (const status of messageStatuses) metrics.logDepth.set({ status }, 0);
  metrics.oldestDueAge.set(0);
  for (const outcome of ['sent', 'retrying', 'failed', 'dead', 'opted_out', 'deferred']) {
    metrics.dispatchAttempts.inc({ outcome }, 0);
  }
  for (const outcome of ['success', 'failure']) metrics.reloads.inc({ outcome }, 0);
  for (const scope of ['client', 'key', 'source']) metrics.rateLimited.inc({ scope }, 0);
  for (const outcome of ['success', 'retryable', 'permanent']) metrics.publishDuration.zero({ outcome });
  metrics.publishes.inc({ outcome: 'success', error: 'none' }, 0);
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Creates the labelled series of the loaded templates and sources at zero, so dashboards show them. */
export function initialiseLabels(
  metrics: Metrics,
  names: { templates: readonly { id: string; source: string | undefined }[]; sources: readonly string[] },
): void {
  metrics.templateInfo.reset();
  for (const { id: template, source } of names.templates) {
    metrics.templateInfo.set({ template, source: source ?? '' }, 1);
    for (const outcome of requestOutcomes) metrics.webhooksReceived.inc({ template, outcome }, 0);
    // `publishing` is a passing state of the log (see the depth gauge), never counted as an event.
    for (const status of messageStatuses) if (status !== 'publishing') metrics.messages.inc({ template, status }, 0);
    for (const encoding of encodings) metrics.smsSegments.inc({ template, encoding }, 0);
    for (const reason of blockReasons) metrics.blocked.inc({ template, reason }, 0);
    metrics.validationFailures.inc({ template }, 0);
  }
  for (const source of names.sources) {
    for (const reason of signatureFailureReasons) metrics.signatureFailures.inc({ source, reason }, 0);
  }
}
