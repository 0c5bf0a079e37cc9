import type { Config } from './config/config.js';
import type { ApiKeyRing } from './http/api-key-ring.js';
import type { TemplateSet } from './templates/template-plugin.js';
import type { SourceVerifier } from './verify/create-source-verifiers.js';

/** What a reload replaces as one unit: the config, the templates, the source verifiers and the API keys. */
export interface Runtime {
  readonly config: Config;
  readonly templates: TemplateSet;
  readonly verifiers: ReadonlyMap<string, SourceVerifier>;
  readonly apiKeys: ApiKeyRing;
}

/** Holds the current runtime; requests read it once at their start, so a reload never mixes two sets. */
export interface RuntimeHolder {
  current(): Runtime;
  replace(next: Runtime): void;
}

/** A holder starting with `initial`. */
export function createRuntimeHolder(initial: Runtime): RuntimeHolder {
  let runtime = initial;
  return {
    current: () => runtime,
    replace: (next) => {
      runtime = next;
    },
  };
}
