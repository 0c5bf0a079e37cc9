import { Writable } from 'node:stream';
import winston from 'winston';
import { maskPhonesIn } from './mask.js';

export type Logger = winston.Logger;
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** Keys whose values never reach a log line, whatever their level. */
const redactedKeys = new Set([
  'authorization',
  'x-api-key',
  'secret',
  'secrets',
  'password',
  'token',
  'apikey',
  'signature',
  'webhook-signature',
  'stripe-signature',
  'x-hub-signature-256',
  'x-shopify-hmac-sha256',
  'x-slack-signature',
  'x-grafana-alerting-signature',
  'cookie',
]);

function scrub(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return maskPhonesIn(value);
  if (depth > 6 || typeof value !== 'object' || value === null) return value;
  if (value instanceof Error) return { name: value.name, message: maskPhonesIn(value.message), stack: value.stack };
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = redactedKeys.has(k.toLowerCase()) ? '<redacted>' : scrub(v, depth + 1);
  }
  return out;
}

/** Masks phone numbers and drops secret-bearing keys from every log entry. */
const scrubFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (redactedKeys.has(key.toLowerCase())) info[key] = '<redacted>';
    else info[key] = scrub(info[key], 0);
  }
  return info;
});

export interface LoggerOptions {
  readonly level: LogLevel;
  /** Where JSON lines go; stdout by default. Tests pass a capture stream. */
  readonly stream?: NodeJS.WritableStream;
  readonly silent?: boolean;
}

/** A winston logger writing JSON lines, with phone numbers masked and secrets never written. */
export function createLogger(options: LoggerOptions): Logger {
  return winston.createLogger({
    level: options.level,
    silent: options.silent ?? false,
    format: winston.format.combine(
      winston.format.errors({ stack: true }),
      scrubFormat(),
      winston.format.timestamp(),
      winston.format.json(),
    ),
    transports: [new winston.transports.Stream({ stream: options.stream ?? process.stdout })],
  });
}

/** A logger whose lines are kept in memory, for tests and the CLI. */
export function createMemoryLogger(level: LogLevel = 'debug'): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createLogger({ level, stream });
  const lines = (): Record<string, unknown>[] =>
    chunks
      .join('')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, lines };
}
