import Router from '@koa/router';
import { GatewayError, isGatewayError } from '../errors.js';
import { maskPhone } from '../observability/mask.js';
import { guardRecipients } from '../pipeline/guard-recipients.js';
import type { TemplatePlugin } from '../templates/template-plugin.js';
import { apiGuards, type ApiGuardDeps } from './api-guards.js';
import type { AppState } from './app-state.js';
import { parseJson, readRawBody } from './read-body.js';

export interface TemplateRouteDeps extends ApiGuardDeps {
  readonly bodyLimitBytes: () => number;
}

function summary(t: TemplatePlugin): Record<string, unknown> {
  const m = t.manifest;
  return {
    id: t.id,
    description: m.description,
    source: m.source ?? null,
    webhook: m.source === undefined ? null : `/webhooks/${t.id}`,
    delivery: m.delivery ?? 'queued',
    recipients: m.to.length,
    allowRecipientOverride: m.allowRecipientOverride,
    maxSegments: m.maxSegments,
    overflow: m.overflow,
    encoding: m.encoding,
    sms: m.sms,
  };
}

function targetText(target: { kind: 'phone'; phoneNumber: string } | { kind: 'topic'; topicArn: string }): string {
  return target.kind === 'phone' ? target.phoneNumber : target.topicArn;
}

/** `GET /v1/templates`, `GET /v1/templates/:template` and the preview, which renders and sends nothing. */
export function templateRoutes(deps: TemplateRouteDeps): Router<AppState> {
  const router = new Router<AppState>();
  const find = (id: string): TemplatePlugin => {
    const t = deps.runtime.current().templates.get(id);
    if (t === undefined) throw new GatewayError('SNSGATE_TEMPLATE_NOT_FOUND', `no template named ${JSON.stringify(id.slice(0, 64))}`);
    return t;
  };
  router.get('/v1/templates', ...apiGuards(deps, 'read'), (ctx) => {
    ctx.body = { templates: deps.runtime.current().templates.list().map(summary) };
  });
  router.get('/v1/templates/:template', ...apiGuards(deps, 'read'), (ctx) => {
    const t = find(ctx.params.template ?? '');
    ctx.state.template = t.id;
    // Recipients from deployment config (ALERT_SMS_TO) are phone numbers: show them masked.
    const manifest = { ...t.manifest, to: t.manifest.to.map((r) => (r.startsWith('+') ? maskPhone(r) : r)) };
    ctx.body = { ...summary(t), manifest, schema: t.schema, examples: t.examples };
  });
  router.post('/v1/templates/:template/preview', ...apiGuards(deps, 'read'), async (ctx) => {
    const t = find(ctx.params.template ?? '');
    ctx.state.template = t.id;
    const payload = parseJson(await readRawBody(ctx, deps.bodyLimitBytes()));
    const errors = t.validate(payload);
    if (errors.length > 0) {
      throw new GatewayError('SNSGATE_PAYLOAD_INVALID', `${errors.length} field(s) do not match the ${t.id} schema`, { errors });
    }
    const override = ctx.get('snsgate-to');
    const recipients = override === '' ? undefined : override.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const rendered = t.render(payload, recipients === undefined ? {} : { recipients });
    const warnings = [...rendered.warnings];
    try {
      guardRecipients(rendered.messages, deps.runtime.current().config.limits.allowedCountries);
    } catch (err) {
      if (!isGatewayError(err)) throw err;
      warnings.push(`would be refused: ${err.message}`);
    }
    ctx.body = {
      template: t.id,
      sent: false,
      messages: rendered.messages.map((m) => ({
        recipient: targetText(m.target),
        target: m.target,
        text: m.text,
        ...(m.mediaUrl === undefined ? {} : { mediaUrl: m.mediaUrl }),
        ...m.sms,
        truncated: m.truncated,
        attributes: m.attributes,
      })),
      warnings,
    };
  });
  return router;
}
