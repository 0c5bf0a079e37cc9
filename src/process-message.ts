import { createHash } from 'node:crypto';
import type { DeliveryMode } from './config/config.js';
import { GatewayError } from './errors.js';
import type { ApiPrincipal } from './http/app-state.js';
import { parseJson } from './http/read-body.js';
import type { Limits } from './limits/create-limits.js';
import type { Logger } from './observability/logger.js';
import { maskPhone } from './observability/mask.js';
import type { Metrics } from './observability/metrics.js';
import { acceptMessages } from './pipeline/accept-messages.js';
import { authenticateWebhook, authorizeApiSend, type Authenticated } from './pipeline/authenticate.js';
import { deliverNow } from './pipeline/deliver-now.js';
import { guardRecipients } from './pipeline/guard-recipients.js';
import type { Delivery, PublishError } from './publish/publisher.js';
import type { Runtime } from './runtime.js';
import type { MessageRecord, MessageStore } from './store/message-store.js';
import type { TemplatePlugin } from './templates/template-plugin.js';
import type { IncomingHeaders } from './verify/signature-scheme.js';

/** Everything the pipeline uses, built once in main.ts (tests build their own). */
export interface PipelineDeps {
  readonly runtime: () => Runtime;
  readonly store: MessageStore;
  readonly delivery: Delivery;
  readonly limits: Limits;
  readonly wakeDispatcher: () => void;
  readonly metrics: Metrics;
  readonly now: () => Date;
  readonly newId: () => string;
}

interface Common {
  readonly templateId: string;
  readonly rawBody: Buffer;
  readonly requestId: string;
  readonly log: Logger;
}

/** A request to send: a signed webhook, or an API send by template name. */
export type Inbound =
  | (Common & { readonly kind: 'webhook'; readonly headers: IncomingHeaders })
  | (Common & {
      readonly kind: 'api';
      readonly principal: ApiPrincipal;
      readonly idempotencyKey?: string;
      readonly recipients?: readonly string[];
      readonly mode?: DeliveryMode;
    });

/** The messages of one request after accept (and, in sync mode, after publishing). */
export interface ProcessResult {
  readonly template: string;
  readonly mode: DeliveryMode;
  readonly duplicate: boolean;
  readonly messages: readonly MessageRecord[];
  /** Sync mode: the first publish failure, if any. */
  readonly failure: PublishError | undefined;
}

/**
 * The one use case: authenticate, parse, validate, render, guard, accept, deliver. HTTP stays at
 * the edge, so webhooks, API sends and the CLI share it. Every refusal is a GatewayError.
 */
export async function processMessage(inbound: Inbound, deps: PipelineDeps): Promise<ProcessResult> {
  const runtime = deps.runtime();
  const template = findTemplate(runtime, inbound.templateId);
  const auth = inbound.kind === 'webhook'
    ? authenticateWebhook(runtime, template, { headers: inbound.headers, rawBody: inbound.rawBody, now: deps.now() }, deps.metrics)
    : authorizeApiSend(inbound.principal, template);
  const payload = parseJson(inbound.rawBody);
  validatePayload(template, payload, deps.metrics);
  const idempotencyKey = idempotencyKeyOf(inbound, template, payload, auth);
  const mode = deliveryModeOf(inbound, template, runtime);
  const repeat = idempotencyKey === undefined ? [] : await deps.store.findByIdempotencyKey(template.id, idempotencyKey);
  const payloadHash = createHash('sha256').update(inbound.rawBody).digest('hex');
  if (repeat.length > 0) return answerRepeat(inbound, template.id, mode, repeat, payloadHash);
  const rendered = template.render(payload, inbound.kind === 'api' && inbound.recipients !== undefined ? { recipients: inbound.recipients } : {});
  const messages = guardRecipients(rendered.messages, runtime.config.limits.allowedCountries);
  const accepted = await acceptMessages(
    { template: template.id, source: auth.source, idempotencyKey, payloadHash, messages, mode, requestId: inbound.requestId },
    { store: deps.store, limits: deps.limits, newId: deps.newId, now: deps.now, leaseSeconds: runtime.config.dispatcher.leaseSeconds },
  );
  if (accepted.kind !== 'created') return answerRepeat(inbound, template.id, mode, accepted.messages, payloadHash);
  countAccepted(template.id, accepted.messages, deps.metrics);
  // At info the access line carries the message ids; the recipients and segments are for debugging.
  inbound.log.debug('accepted', {
    template: template.id,
    source: auth.source,
    mode,
    messages: accepted.messages.map((m) => ({ id: m.id, recipient: maskPhone(m.recipient), segments: m.segments })),
  });
  if (mode === 'queued') {
    deps.wakeDispatcher();
    return { template: template.id, mode, duplicate: false, messages: accepted.messages, failure: undefined };
  }
  const sync = await deliverNow(accepted.messages, idempotencyKey !== undefined, {
    store: deps.store,
    delivery: deps.delivery,
    metrics: deps.metrics,
    log: inbound.log,
    now: deps.now,
    retryDelayMs: runtime.config.dispatcher.backoffBaseMs,
  });
  return { template: template.id, mode, duplicate: false, messages: sync.messages, failure: sync.failure };
}

function findTemplate(runtime: Runtime, id: string): TemplatePlugin {
  const template = runtime.templates.get(id);
  if (template === undefined) throw new GatewayError('SNSGATE_TEMPLATE_NOT_FOUND', `no template named ${JSON.stringify(id.slice(0, 64))}`);
  return template;
}

function validatePayload(template: TemplatePlugin, payload: unknown, metrics: Metrics): void {
  const errors = template.validate(payload);
  if (errors.length === 0) return;
  metrics.validationFailures.inc({ template: template.id });
  const first = errors[0];
  const summary = first === undefined ? '' : `: ${first.pointer === '' ? '(body)' : first.pointer} ${first.message}`;
  throw new GatewayError('SNSGATE_PAYLOAD_INVALID', `${errors.length} field(s) do not match the ${template.id} schema${summary}`, { errors });
}

function idempotencyKeyOf(inbound: Inbound, template: TemplatePlugin, payload: unknown, auth: Authenticated): string | undefined {
  if (inbound.kind === 'api') {
    return inbound.idempotencyKey === undefined ? undefined : `api:${inbound.principal.name}:${inbound.idempotencyKey}`;
  }
  const key = template.idempotencyKey(payload) ?? auth.deliveryId;
  return key === undefined || key === '' ? undefined : `webhook:${key}`;
}

function deliveryModeOf(inbound: Inbound, template: TemplatePlugin, runtime: Runtime): DeliveryMode {
  if (inbound.kind === 'api' && inbound.mode !== undefined) return inbound.mode;
  const source = template.manifest.source === undefined ? undefined : runtime.config.sources[template.manifest.source];
  return template.manifest.delivery ?? source?.delivery ?? 'queued';
}

/**
 * A repeat answers like the first time. For webhooks the key defines identity (Alertmanager HA peers
 * send slightly different bodies for one group); an API Idempotency-Key reused with another body is 409.
 */
function answerRepeat(inbound: Inbound, template: string, mode: DeliveryMode, rows: readonly MessageRecord[], payloadHash: string): ProcessResult {
  if (inbound.kind === 'api' && rows.some((r) => r.payloadHash !== payloadHash)) {
    throw new GatewayError('SNSGATE_IDEMPOTENCY_CONFLICT', 'this idempotency key was already used with a different payload');
  }
  return { template, mode, duplicate: true, messages: rows, failure: undefined };
}

function countAccepted(template: string, rows: readonly MessageRecord[], metrics: Metrics): void {
  metrics.messages.inc({ template, status: 'accepted' }, rows.length);
  for (const row of rows) metrics.smsSegments.inc({ template, encoding: row.encoding }, row.segments);
}
