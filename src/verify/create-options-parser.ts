import type { ErrorObject, JSONSchemaType } from 'ajv';
import { createAjv } from '../config/create-ajv.js';
import { SchemeOptionError } from './scheme-option-error.js';

const ajv = createAjv({ useDefaults: true, allErrors: false });

function toOptionError(error: ErrorObject): SchemeOptionError {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') {
    return new SchemeOptionError(String(params.additionalProperty), 'is not a known option of this scheme');
  }
  if (error.keyword === 'required') return new SchemeOptionError(String(params.missingProperty), 'is required');
  const option = error.instancePath.replace(/^\//, '') || '(options)';
  const allowed = Array.isArray(params.allowedValues) ? ` (${params.allowedValues.map(String).join(', ')})` : '';
  return new SchemeOptionError(option, `${error.message ?? 'is not valid'}${allowed}`);
}

/**
 * A parser for one scheme's options: fills defaults, refuses unknown keys and throws a
 * `SchemeOptionError` naming the first bad option. `check` adds rules a schema cannot say.
 */
export function createOptionsParser<O>(
  schema: JSONSchemaType<O>,
  check?: (options: O) => void,
): (options: Record<string, unknown>) => O {
  const validate = ajv.compile(schema);
  return (options) => {
    // A copy: defaults are filled in place and the loaded config is frozen.
    const copy: unknown = structuredClone(options);
    if (!validate(copy)) {
      const first = validate.errors?.[0];
      throw first === undefined ? new SchemeOptionError('(options)', 'are not valid') : toOptionError(first);
    }
    check?.(copy);
    return copy;
  };
}

/** The parser of a scheme that takes no options: any key is refused. */
export function createNoOptionsParser(): (options: Record<string, unknown>) => NoOptions {
  return createOptionsParser<NoOptions>({ type: 'object', required: [], additionalProperties: false });
}

/** Options of a scheme that takes none. */
export type NoOptions = Record<string, never>;
