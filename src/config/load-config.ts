import { readFileSync } from 'node:fs';
import type { ErrorObject } from 'ajv';
import { LineCounter, parseDocument } from 'yaml';
import { GatewayError, type FieldError } from '../errors.js';
import type { Config } from './config.js';
import { configSchema } from './config-schema.js';
import { createAjv } from './create-ajv.js';

/** The default config file, relative to the working directory. */
export const defaultConfigPath = 'config/snsgate.yaml';

interface EnvOverride {
  readonly env: string;
  readonly path: readonly [string, string];
  readonly as: 'string' | 'integer' | 'list';
}

/** Deployment knobs the environment may override; secrets use `{ env }` references instead. */
export const envOverrides: readonly EnvOverride[] = [
  { env: 'PORT', path: ['server', 'port'], as: 'integer' },
  { env: 'LOG_LEVEL', path: ['log', 'level'], as: 'string' },
  { env: 'DATABASE_URL', path: ['store', 'url'], as: 'string' },
  { env: 'SNSGATE_PUBLISHER', path: ['publisher', 'kind'], as: 'string' },
  { env: 'METRICS_PORT', path: ['metrics', 'port'], as: 'integer' },
  { env: 'SNSGATE_TEMPLATES_DIR', path: ['templates', 'dirs'], as: 'list' },
];

/** Where a config came from, so errors can name the file, the line and the variable. */
export interface ConfigOrigin {
  readonly file: string;
  readonly lineOf?: (path: readonly string[]) => number | undefined;
}

const ajv = createAjv({ useDefaults: true, allErrors: true });
const validateConfig = ajv.compile(configSchema);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function coerce(value: string, as: EnvOverride['as']): unknown {
  if (as === 'integer') return /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;
  if (as === 'list') return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return value.trim();
}

function applyEnv(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): Map<string, string> {
  const fromEnv = new Map<string, string>();
  for (const o of envOverrides) {
    const value = env[o.env];
    if (value === undefined || value.trim() === '') continue;
    const [sectionName, key] = o.path;
    const current = raw[sectionName];
    const target = isPlainObject(current) ? { ...current } : {};
    target[key] = coerce(value, o.as);
    raw[sectionName] = target;
    fromEnv.set(`/${sectionName}/${key}`, o.env);
  }
  return fromEnv;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function pointerSegments(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function describe(err: ErrorObject, origin: ConfigOrigin, fromEnv: Map<string, string>): FieldError & { text: string } {
  let pointer = err.instancePath;
  let message = err.message ?? 'is not valid';
  if (err.keyword === 'additionalProperties') {
    const extra = String((err.params as { additionalProperty?: unknown }).additionalProperty);
    pointer = `${pointer}/${extra}`;
    message = 'is not a known key (check its spelling and its section)';
  } else if (err.keyword === 'enum') {
    const allowed = (err.params as { allowedValues?: unknown[] }).allowedValues ?? [];
    message = `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
  } else if (err.keyword === 'minProperties' || err.keyword === 'maxProperties') {
    message = 'must be exactly one of { env: NAME } or { file: /path } (secrets are never written inline)';
  }
  const segments = pointerSegments(pointer);
  const key = segments.join('.') || '(top level)';
  const line = origin.lineOf?.(segments);
  const where = line === undefined ? origin.file : `${origin.file}:${line}`;
  const envName = fromEnv.get(pointer);
  const via = envName === undefined ? '' : ` (set by environment variable ${envName})`;
  return { pointer, rule: err.keyword, message, text: `${where}: ${key}${via} ${message}` };
}

/**
 * Validates a parsed config object with the environment's overrides applied; fills defaults and
 * freezes the result. Throws SNSGATE_CONFIG_INVALID listing every problem with its key and file.
 */
export function loadConfig(raw: unknown, env: NodeJS.ProcessEnv, origin: ConfigOrigin): Config {
  if (raw !== null && raw !== undefined && !isPlainObject(raw)) {
    throw new GatewayError('SNSGATE_CONFIG_INVALID', `${origin.file}: the top level must be a mapping of sections`);
  }
  const copy: Record<string, unknown> = structuredClone(raw ?? {});
  const fromEnv = applyEnv(copy, env);
  if (!validateConfig(copy)) {
    const problems = (validateConfig.errors ?? []).map((e) => describe(e, origin, fromEnv));
    const text = problems.map((p) => `  - ${p.text}`).join('\n');
    throw new GatewayError('SNSGATE_CONFIG_INVALID', `invalid configuration:\n${text}`, {
      errors: problems.map(({ pointer, rule, message }) => ({ pointer, rule, message })),
    });
  }
  return deepFreeze(copy);
}

/** Reads and validates a YAML config file; YAML syntax errors name the line. */
export function loadConfigFile(path: string, env: NodeJS.ProcessEnv): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new GatewayError('SNSGATE_CONFIG_INVALID', `${path}: cannot read the config file (${code})`, { cause: err });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((e) => `  - ${path}:${e.linePos?.[0].line ?? '?'}: ${e.message.split('\n')[0] ?? ''}`);
    throw new GatewayError('SNSGATE_CONFIG_INVALID', `invalid configuration:\n${lines.join('\n')}`);
  }
  const lineOf = (segments: readonly string[]): number | undefined => {
    for (let n = segments.length; n > 0; n--) {
      const node: unknown = doc.getIn(segments.slice(0, n), true);
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      if (range !== undefined) return lineCounter.linePos(range[0]).line;
      const pair = findKeyLine(doc, segments.slice(0, n), lineCounter);
      if (pair !== undefined) return pair;
    }
    return undefined;
  };
  return loadConfig(doc.toJS(), env, { file: path, lineOf });
}

function findKeyLine(doc: ReturnType<typeof parseDocument>, segments: readonly string[], lc: LineCounter): number | undefined {
  const parent: unknown = segments.length === 1 ? doc.contents : doc.getIn(segments.slice(0, -1), true);
  const items = (parent as { items?: { key?: { value?: unknown; range?: [number, number, number] } }[] } | undefined)?.items;
  const match = items?.find((item) => item.key?.value === segments[segments.length - 1]);
  return match?.key?.range === undefined ? undefined : lc.linePos(match.key.range[0]).line;
}
