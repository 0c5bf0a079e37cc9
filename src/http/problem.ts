import { errorCatalogue, type GatewayError } from '../errors.js';

/** An RFC 9457 problem document with snsgate's stable `code`. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly requestId: string;
  readonly errors?: readonly { pointer: string; rule: string; message: string }[];
  readonly [extra: string]: unknown;
}

/** The problem document for an operational error; the detail only when the code may be shown. */
export function toProblem(err: GatewayError, requestId: string): Problem {
  const entry = errorCatalogue[err.code];
  return {
    ...err.extra,
    type: `urn:snsgate:error:${err.code}`,
    title: entry.title,
    status: err.status,
    detail: err.expose ? err.message : entry.title,
    code: err.code,
    requestId,
    ...(err.errors === undefined ? {} : { errors: err.errors }),
    ...(err.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: err.retryAfterSeconds }),
  };
}
