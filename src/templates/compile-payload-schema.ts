import type { ErrorObject, ValidateFunction } from 'ajv';
import { createAjv } from '../config/create-ajv.js';
import type { FieldError } from '../errors.js';
import { boundPatterns, unboundedPatterns } from './bound-patterns.js';

/** At most this many field errors per payload: enough to fix a request, bounded for the response. */
export const maxFieldErrors = 20;

/** A compiled payload schema, or the problems that stop the load. */
export type PayloadSchemaResult =
  | { readonly ok: true; readonly schema: Record<string, unknown>; readonly validate: (payload: unknown) => FieldError[] }
  | { readonly ok: false; readonly problems: string[] };

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function param(err: ErrorObject, key: string): unknown {
  return (err.params as Record<string, unknown>)[key];
}

/** One ajv error as a field error: the pointer names the missing or unexpected property itself. */
export function toFieldError(err: ErrorObject): FieldError {
  const missing = param(err, 'missingProperty');
  if (typeof missing === 'string') {
    const when = typeof param(err, 'property') === 'string' ? ` when ${String(param(err, 'property'))} is present` : '';
    return { pointer: `${err.instancePath}/${escapePointer(missing)}`, rule: err.keyword, message: `is required${when}` };
  }
  const extra = param(err, 'additionalProperty');
  if (typeof extra === 'string') {
    return { pointer: `${err.instancePath}/${escapePointer(extra)}`, rule: err.keyword, message: 'is not an allowed property' };
  }
  const allowed = param(err, 'allowedValues');
  if (Array.isArray(allowed)) {
    const shown = allowed.slice(0, 10).map((v) => JSON.stringify(v)).join(', ');
    return { pointer: err.instancePath, rule: err.keyword, message: `must be one of ${shown}${allowed.length > 10 ? ', …' : ''}` };
  }
  if (err.keyword === 'const') return { pointer: err.instancePath, rule: 'const', message: `must be ${JSON.stringify(param(err, 'allowedValue'))}` };
  return { pointer: err.instancePath, rule: err.keyword, message: err.message ?? 'is not valid' };
}

function fieldErrors(errors: readonly ErrorObject[]): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  // `if` errors only say "must match then"; the failing keyword inside is reported on its own.
  for (const err of errors.filter((e) => e.keyword !== 'if')) {
    const field = toFieldError(err);
    const key = `${field.pointer}\u0000${field.rule}\u0000${field.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(field);
    if (out.length === maxFieldErrors) break;
  }
  return out;
}

function compile(schema: Record<string, unknown>, options: Parameters<typeof createAjv>[0]): ValidateFunction {
  return createAjv(options).compile(schema);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Compiles a template's schema.json (ajv strict, formats). Validation is two passes: a first-error
 * pass decides (maxLength short-circuits pattern and format), and only a failing payload gets an
 * all-errors pass on a copy where patterns and formats are bounded by maxLength; at most 20 errors.
 */
export function compilePayloadSchema(schema: unknown, file: string): PayloadSchemaResult {
  if (!isObject(schema)) {
    return { ok: false, problems: [`${file}: must be a JSON Schema object`] };
  }
  const unbounded = unboundedPatterns(schema);
  if (unbounded.length > 0) {
    return {
      ok: false,
      problems: unbounded.map((at) => `${file}: ${at} uses pattern or format without maxLength (bound every checked string)`),
    };
  }
  let decide: ValidateFunction;
  let report: ValidateFunction;
  try {
    decide = compile(schema, { allErrors: false });
    const bounded = boundPatterns(schema);
    report = compile(isObject(bounded) ? bounded : schema, { allErrors: true, strictTypes: false });
  } catch (err) {
    return { ok: false, problems: [`${file}: the schema does not compile: ${err instanceof Error ? err.message : String(err)}`] };
  }
  return {
    ok: true,
    schema,
    validate(payload: unknown): FieldError[] {
      if (decide(payload)) return [];
      const all = report(payload) ? [] : (report.errors ?? []);
      return fieldErrors(all.length > 0 ? all : (decide.errors ?? []));
    },
  };
}
