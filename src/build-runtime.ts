import type { Config } from './config/config.js';
import { loadConfigFile } from './config/load-config.js';
import { createApiKeyRing } from './http/api-key-ring.js';
import type { Logger } from './observability/logger.js';
import type { Runtime } from './runtime.js';
import { loadTemplates } from './templates/load-templates.js';
import { createSourceVerifiers } from './verify/create-source-verifiers.js';

/** Where the runtime is read from. */
export interface RuntimeInput {
  readonly configPath: string;
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
}

/**
 * Reads and checks everything a reload may replace: config, template plugins, source verifiers and
 * API keys. Throws SNSGATE_CONFIG_INVALID or SNSGATE_TEMPLATE_INVALID listing every problem.
 */
export async function buildRuntime(input: RuntimeInput, configOverride?: Config): Promise<Runtime> {
  const config = configOverride ?? loadConfigFile(input.configPath, input.env);
  const verifiers = createSourceVerifiers(config.sources, input.env, input.logger);
  const templates = await loadTemplates({
    dirs: config.templates.dirs,
    overrides: config.templates.overrides,
    env: input.env,
    knownSources: Object.keys(config.sources),
  });
  const apiKeys = createApiKeyRing(config.api, input.env, input.logger);
  return { config, templates, verifiers, apiKeys };
}

const restartSections = ['server', 'metrics', 'publisher', 'store', 'dispatcher', 'limits'] as const;

/** The config sections that differ between two runtimes and only take effect after a restart. */
export function sectionsNeedingRestart(before: Config, after: Config): string[] {
  return restartSections.filter((s) => JSON.stringify(before[s]) !== JSON.stringify(after[s]));
}
