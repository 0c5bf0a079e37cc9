/**
 * The one catalogue of snsgate's error codes: each with its HTTP status, whether its message may be
 * shown to the caller, and a title. README.md's error table is kept in sync by a test.
 */
export const errorCatalogue = {
  SNSGATE_BODY_MALFORMED: { status: 400, expose: true, title: 'Malformed request body' },
  SNSGATE_AUTH_REQUIRED: { status: 401, expose: true, title: 'Missing or invalid API key' },
  SNSGATE_SIGNATURE_INVALID: { status: 401, expose: true, title: 'Webhook signature not valid' },
  SNSGATE_AUTH_FORBIDDEN: { status: 403, expose: true, title: 'API key not allowed to do this' },
  SNSGATE_ROUTE_NOT_FOUND: { status: 404, expose: true, title: 'No such route' },
  SNSGATE_TEMPLATE_NOT_FOUND: { status: 404, expose: true, title: 'No such template' },
  SNSGATE_MESSAGE_NOT_FOUND: { status: 404, expose: true, title: 'No such message' },
  SNSGATE_METHOD_NOT_ALLOWED: { status: 405, expose: true, title: 'Method not allowed' },
  SNSGATE_IDEMPOTENCY_CONFLICT: { status: 409, expose: true, title: 'Idempotency key reused with another payload' },
  SNSGATE_MESSAGE_NOT_RETRYABLE: { status: 409, expose: true, title: 'Message cannot be retried' },
  SNSGATE_BODY_TOO_LARGE: { status: 413, expose: true, title: 'Request body too large' },
  SNSGATE_CONTENT_TYPE_UNSUPPORTED: { status: 415, expose: true, title: 'Content type not supported' },
  SNSGATE_PAYLOAD_INVALID: { status: 422, expose: true, title: 'Payload does not match the template schema' },
  SNSGATE_RENDER_FAILED: { status: 422, expose: true, title: 'Template could not render this payload' },
  SNSGATE_RECIPIENT_INVALID: { status: 422, expose: true, title: 'Recipient not valid' },
  SNSGATE_RECIPIENT_COUNTRY_BLOCKED: { status: 422, expose: true, title: 'Recipient country not allowed' },
  SNSGATE_MESSAGE_TOO_LONG: { status: 422, expose: true, title: 'Message over the segment or byte limit' },
  SNSGATE_QUERY_INVALID: { status: 400, expose: true, title: 'Query parameters not valid' },
  SNSGATE_RELOAD_FAILED: { status: 422, expose: true, title: 'New configuration or templates are not valid' },
  SNSGATE_RATE_LIMITED: { status: 429, expose: true, title: 'Too many requests' },
  SNSGATE_RECIPIENT_LIMITED: { status: 429, expose: true, title: 'Recipient over its message limit' },
  SNSGATE_BUDGET_EXHAUSTED: { status: 429, expose: true, title: 'Daily message budget used up' },
  SNSGATE_INTERNAL: { status: 500, expose: false, title: 'Internal error' },
  SNSGATE_PUBLISH_REJECTED: { status: 502, expose: true, title: 'SNS refused the message' },
  SNSGATE_PUBLISH_UNAVAILABLE: { status: 503, expose: true, title: 'SNS is unavailable' },
  SNSGATE_STORE_UNAVAILABLE: { status: 503, expose: true, title: 'Message log unavailable' },
  SNSGATE_TEMPLATE_UNCONFIGURED: { status: 503, expose: true, title: 'Template not configured for delivery' },
  SNSGATE_CONFIG_INVALID: { status: 500, expose: false, title: 'Configuration not valid' },
  SNSGATE_TEMPLATE_INVALID: { status: 500, expose: false, title: 'Template plugin not valid' },
} as const satisfies Record<string, { status: number; expose: boolean; title: string }>;

/** A stable, documented error code. */
export type ErrorCode = keyof typeof errorCatalogue;

/** One failing field of a 422 answer: the JSON pointer and the rule it broke. */
export interface FieldError {
  readonly pointer: string;
  readonly rule: string;
  readonly message: string;
}

export interface GatewayErrorOptions {
  readonly cause?: unknown;
  /** Field errors (422). */
  readonly errors?: readonly FieldError[];
  /** Seconds for `Retry-After` (429, 503). */
  readonly retryAfterSeconds?: number;
  /** Extra response members, safe to show (for example `limit`). */
  readonly extra?: Readonly<Record<string, string | number | boolean | readonly string[]>>;
  /** An operator hint: goes to the log, never to the caller. */
  readonly hint?: string;
  /** Bounded reason for logs and metric labels. */
  readonly reason?: string;
}

/**
 * An operational error with a catalogue code. Carries Koa's `status` and `expose` so anything that
 * escapes our middleware still gets a sane answer.
 */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly expose: boolean;
  readonly errors: readonly FieldError[] | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly extra: Readonly<Record<string, string | number | boolean | readonly string[]>> | undefined;
  readonly hint: string | undefined;
  readonly reason: string | undefined;

  constructor(code: ErrorCode, detail?: string, options: GatewayErrorOptions = {}) {
    super(detail ?? errorCatalogue[code].title, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.expose = errorCatalogue[code].expose;
    this.errors = options.errors;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.extra = options.extra;
    this.hint = options.hint;
    this.reason = options.reason;
  }
}

/** True for errors from the catalogue (operational); anything else is a programmer error. */
export function isGatewayError(err: unknown): err is GatewayError {
  return err instanceof GatewayError;
}

/** The message of any thrown value, for logs. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
