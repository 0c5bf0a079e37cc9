import Router from '@koa/router';
import type { Limits } from '../limits/create-limits.js';
import type { Metrics } from '../observability/metrics.js';
import { processMessage, type PipelineDeps } from '../process-message.js';
import { routeParam, type AppState } from './app-state.js';
import { rateLimit } from './rate-limit.js';
import { readRawBody } from './read-body.js';
import { handleSend } from './send-response.js';

export interface WebhookRouteDeps {
  readonly pipeline: PipelineDeps;
  readonly limits: Limits;
  readonly metrics: Metrics;
  readonly bodyLimitBytes: () => number;
}

/** `POST /webhooks/:template`: the main job, authenticated by the template's source scheme. */
export function webhookRoutes(deps: WebhookRouteDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.post(
    '/webhooks/:template',
    rateLimit('source', deps.metrics, async (ctx) => {
      const source = deps.pipeline.runtime().templates.get(routeParam(ctx, 'template'))?.manifest.source;
      if (source === undefined) return undefined;
      const config = deps.pipeline.runtime().config.sources[source];
      const window = config?.rateLimit ?? deps.pipeline.runtime().config.limits.perSource;
      return { decision: await deps.limits.source(source, config?.rateLimit), windowSeconds: window.durationSeconds };
    }),
    async (ctx) => {
      const templateId = ctx.params.template ?? '';
      const known = deps.pipeline.runtime().templates.get(templateId) !== undefined;
      if (known) ctx.state.template = templateId;
      await handleSend(ctx, deps.metrics, async () => {
        const rawBody = await readRawBody(ctx, deps.bodyLimitBytes());
        return processMessage(
          { kind: 'webhook', templateId, headers: ctx.headers, rawBody, requestId: ctx.state.requestId, log: ctx.state.log },
          deps.pipeline,
        );
      });
    },
  );
  return router;
}
