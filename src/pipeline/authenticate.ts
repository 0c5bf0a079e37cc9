import { GatewayError } from '../errors.js';
import type { ApiPrincipal } from '../http/app-state.js';
import { allowsTemplate } from '../http/require-api-key.js';
import type { Metrics } from '../observability/metrics.js';
import type { Runtime } from '../runtime.js';
import type { TemplatePlugin } from '../templates/template-plugin.js';
import type { IncomingHeaders } from '../verify/signature-scheme.js';

/** Who sent the request, as the accept stage records it. */
export interface Authenticated {
  /** The webhook source name, or `api:<key name>`. */
  readonly source: string;
  /** The scheme's delivery id (webhook-id, X-GitHub-Delivery, …) when it has one. */
  readonly deliveryId: string | undefined;
}


/** Checks a webhook's signature with its template's source; 401 with a generic message, the reason to log and metrics. */
export function authenticateWebhook(
  runtime: Runtime,
  template: TemplatePlugin,
  request: { headers: IncomingHeaders; rawBody: Buffer; now: Date },
  metrics: Metrics,
): Authenticated {
  const sourceName = template.manifest.source;
  const verifier = sourceName === undefined ? undefined : runtime.verifiers.get(sourceName);
  if (sourceName === undefined || verifier === undefined) {
    throw new GatewayError('SNSGATE_TEMPLATE_NOT_FOUND', `template ${template.id} does not accept webhooks; use POST /v1/send/${template.id}`);
  }
  const result = verifier.verify(request);
  if (!result.ok) {
    metrics.signatureFailures.inc({ source: sourceName, reason: result.reason });
    throw new GatewayError('SNSGATE_SIGNATURE_INVALID', 'the webhook signature could not be verified', {
      reason: result.reason,
      hint: `source ${sourceName} (${verifier.scheme}): ${result.detail}`,
    });
  }
  return { source: sourceName, deliveryId: result.deliveryId };
}

/** Checks that an API key may send this template; 403 otherwise. */
export function authorizeApiSend(principal: ApiPrincipal, template: TemplatePlugin): Authenticated {
  if (!allowsTemplate(principal.templates, template.id)) {
    throw new GatewayError('SNSGATE_AUTH_FORBIDDEN', `API key ${principal.name} may not send template ${template.id}`);
  }
  return { source: `api:${principal.name}`, deliveryId: undefined };
}
