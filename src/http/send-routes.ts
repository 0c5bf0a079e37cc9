import Router from '@koa/router';
import type { DeliveryMode } from '../config/config.js';
import { GatewayError } from '../errors.js';
import { processMessage, type PipelineDeps } from '../process-message.js';
import { apiGuards, type ApiGuardDeps } from './api-guards.js';
import type { AppContext, AppState } from './app-state.js';
import { readRawBody } from './read-body.js';
import { handleSend } from './send-response.js';

export interface SendRouteDeps extends ApiGuardDeps {
  readonly pipeline: PipelineDeps;
  readonly bodyLimitBytes: () => number;
}

const idempotencyKeyPattern = /^[\x21-\x7e]{1,255}$/;

function modeOf(ctx: AppContext): DeliveryMode | undefined {
  const mode = ctx.query.mode;
  if (mode === undefined) return undefined;
  if (mode === 'sync' || mode === 'queued') return mode;
  throw new GatewayError('SNSGATE_QUERY_INVALID', 'mode must be sync or queued');
}

/** The request's `Idempotency-Key`, checked: 1 to 255 visible ASCII characters; 400 otherwise. */
export function idempotencyKeyOf(ctx: AppContext): string | undefined {
  const key = ctx.get('idempotency-key');
  if (key === '') return undefined;
  if (!idempotencyKeyPattern.test(key)) {
    throw new GatewayError('SNSGATE_BODY_MALFORMED', 'Idempotency-Key must be 1 to 255 visible ASCII characters');
  }
  return key;
}

// Whether the template takes an override is checked at render (403), after the pipeline has found
// the template (404) and checked the key's scope (403), so this header cannot mask either answer.
function recipientsOf(ctx: AppContext): string[] | undefined {
  const header = ctx.get('snsgate-to');
  if (header === '') return undefined;
  const list = header.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (list.length === 0 || list.length > 100) throw new GatewayError('SNSGATE_RECIPIENT_INVALID', 'Snsgate-To must list 1 to 100 recipients');
  return list;
}

/** `POST /v1/send/:template`: a template by name with the body as its data; queued unless `?mode=sync`. */
export function sendRoutes(deps: SendRouteDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.post('/v1/send/:template', ...apiGuards(deps, 'send'), async (ctx) => {
    const templateId = ctx.params.template ?? '';
    const template = deps.runtime.current().templates.get(templateId);
    if (template !== undefined) ctx.state.template = templateId;
    const principal = ctx.state.principal;
    if (principal === undefined) throw new GatewayError('SNSGATE_AUTH_REQUIRED');
    await handleSend(ctx, deps.metrics, async () => {
      const mode = modeOf(ctx);
      const idempotencyKey = idempotencyKeyOf(ctx);
      const recipients = recipientsOf(ctx);
      const rawBody = await readRawBody(ctx, deps.bodyLimitBytes());
      return processMessage(
        {
          kind: 'api',
          templateId,
          principal,
          rawBody,
          requestId: ctx.state.requestId,
          log: ctx.state.log,
          ...(mode === undefined ? {} : { mode }),
          ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
          ...(recipients === undefined ? {} : { recipients }),
        },
        deps.pipeline,
      );
    });
  });
  return router;
}
