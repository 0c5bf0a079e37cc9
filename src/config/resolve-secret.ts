import { readFileSync } from 'node:fs';
import type { SecretRef } from './config.js';
import { Secret } from './secret.js';

/** A secret reference read from its place, or why it could not be. */
export type ResolvedSecret =
  | { readonly ok: true; readonly secret: Secret; readonly from: string }
  | { readonly ok: false; readonly from: string; readonly why: string };

export type ReadFile = (path: string) => string;

const readUtf8: ReadFile = (path) => readFileSync(path, 'utf8');

/** Describes where a reference points, for logs (never the value). */
export function describeSecretRef(ref: SecretRef): string {
  return ref.env !== undefined ? `env ${ref.env}` : `file ${ref.file ?? '?'}`;
}

/** Reads a `{ env }` or `{ file }` secret; an unset variable, empty value or unreadable file is not ok. */
export function resolveSecret(
  ref: SecretRef,
  env: NodeJS.ProcessEnv,
  readFile: ReadFile = readUtf8,
): ResolvedSecret {
  const from = describeSecretRef(ref);
  if (ref.env !== undefined) {
    const value = env[ref.env];
    if (value === undefined || value.trim() === '') return { ok: false, from, why: `${ref.env} is not set` };
    return { ok: true, secret: new Secret(value.trim()), from };
  }
  if (ref.file !== undefined) {
    try {
      const value = readFile(ref.file).trim();
      if (value === '') return { ok: false, from, why: `${ref.file} is empty` };
      return { ok: true, secret: new Secret(value), from };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
      return { ok: false, from, why: `${ref.file} cannot be read (${code})` };
    }
  }
  return { ok: false, from, why: 'reference names neither env nor file' };
}
