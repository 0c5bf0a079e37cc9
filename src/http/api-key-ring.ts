import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiScope, Config, WindowLimit } from '../config/config.js';
import { resolveSecret } from '../config/resolve-secret.js';
import type { Logger } from '../observability/logger.js';
import type { ApiPrincipal } from './app-state.js';

/** The configured API keys, compared by SHA-256 digest in constant time; key material is never kept. */
export interface ApiKeyRing {
  readonly size: number;
  authenticate(presented: string): ApiPrincipal | undefined;
}

interface Entry extends ApiPrincipal {
  readonly digest: Buffer;
}


/** `sha256:<hex>` of a key, the form config stores (`snsgate keys hash`). */
export function hashApiKey(key: string): string {
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

/** The environment variable of the tutorial's single key. */
export const tutorialKeyVariable = 'API_KEY';

/** Builds the ring from `api.keys` and the tutorial's `API_KEY`; unresolvable keys are skipped with a warning. */
export function createApiKeyRing(config: Config['api'], env: NodeJS.ProcessEnv, logger: Logger): ApiKeyRing {
  const entries: Entry[] = [];
  const add = (name: string, digest: Buffer, scopes: readonly ApiScope[], templates: readonly string[], rateLimit?: WindowLimit): void => {
    entries.push(rateLimit === undefined ? { name, digest, scopes, templates } : { name, digest, scopes, templates, rateLimit });
  };
  for (const key of config.keys) {
    if (key.hash !== undefined) {
      add(key.name, Buffer.from(key.hash.slice('sha256:'.length), 'hex'), key.scopes, key.templates, key.rateLimit);
    } else if (key.key !== undefined) {
      const resolved = resolveSecret(key.key, env);
      if (!resolved.ok) {
        logger.warn(`API key ${key.name} is disabled: ${resolved.why}`);
        continue;
      }
      add(key.name, createHash('sha256').update(resolved.secret.reveal()).digest(), key.scopes, key.templates, key.rateLimit);
    }
  }
  const tutorial = env[tutorialKeyVariable]?.trim();
  if (tutorial !== undefined && tutorial !== '') {
    add(tutorialKeyVariable, createHash('sha256').update(tutorial).digest(), config.envKeyScopes, ['*']);
  }
  if (entries.length === 0) logger.warn('no API keys are configured: API routes answer 401 (set API_KEY or api.keys)');
  return {
    size: entries.length,
    authenticate(presented) {
      const digest = createHash('sha256').update(presented, 'utf8').digest();
      let match: Entry | undefined;
      // Compare against every key so the time taken does not tell which one (or whether any) matched.
      for (const entry of entries) {
        if (timingSafeEqual(entry.digest, digest) && match === undefined) match = entry;
      }
      if (match === undefined) return undefined;
      const { name, scopes, templates, rateLimit } = match;
      return rateLimit === undefined ? { name, scopes, templates } : { name, scopes, templates, rateLimit };
    },
  };
}
