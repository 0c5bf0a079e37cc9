import { Ajv, type Options } from 'ajv';
import formats from 'ajv-formats';

/** An isolated Ajv instance in strict mode with the standard formats; `$data` stays off (ReDoS). */
export function createAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({ strict: true, strictRequired: false, allErrors: true, ...options, $data: false });
  formats.default(ajv);
  return ajv;
}
