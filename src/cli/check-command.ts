import { defaultConfigPath, loadConfigFile } from '../config/load-config.js';
import type { Config } from '../config/config.js';
import { errorMessage } from '../errors.js';
import { createMemoryLogger } from '../observability/logger.js';
import { checkTemplates } from '../templates/check-templates.js';
import { loadTemplates } from '../templates/load-templates.js';
import type { TemplateSet } from '../templates/template-plugin.js';
import { createSourceVerifiers } from '../verify/create-source-verifiers.js';
import type { CliIo, ExitCode } from './cli-io.js';

export interface CheckOptions {
  readonly config?: string;
  readonly templates?: string;
}

/** Loads a config with the CLI's `--config` and `--templates`, overriding the environment's. */
export function loadCliConfig(options: CheckOptions, env: NodeJS.ProcessEnv): Config {
  const path = options.config ?? env.SNSGATE_CONFIG ?? defaultConfigPath;
  const withDir = options.templates === undefined ? env : { ...env, SNSGATE_TEMPLATES_DIR: options.templates };
  return loadConfigFile(path, withDir);
}

/** Loads the templates a config names, as the service would. */
export function loadCliTemplates(config: Config, env: NodeJS.ProcessEnv): Promise<TemplateSet> {
  return loadTemplates(templateInput(config, env));
}

function templateInput(config: Config, env: NodeJS.ProcessEnv): Parameters<typeof loadTemplates>[0] {
  return { dirs: config.templates.dirs, overrides: config.templates.overrides, env, knownSources: Object.keys(config.sources) };
}

/**
 * `snsgate check`: validates the config, every source's scheme options and every template plugin
 * (manifest, schema, template, examples and goldens); lists every problem, exit 1 if any.
 */
export async function checkCommand(options: CheckOptions, io: CliIo): Promise<ExitCode> {
  const problems: string[] = [];
  let config: Config;
  try {
    config = loadCliConfig(options, io.env);
  } catch (err) {
    io.err(`${errorMessage(err)}\n`);
    return 1;
  }
  const { logger, lines } = createMemoryLogger('warn');
  try {
    createSourceVerifiers(config.sources, io.env, logger);
  } catch (err) {
    problems.push(errorMessage(err));
  }
  const result = await checkTemplates(templateInput(config, io.env));
  problems.push(...result.problems);
  for (const line of lines()) io.err(`warning: ${String(line.message)}\n`);
  if (problems.length > 0) {
    io.err(`${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    return 1;
  }
  const ids = result.templates?.list().map((t) => t.id) ?? [];
  io.out(`ok: config, ${Object.keys(config.sources).length} source(s) and ${ids.length} template(s) (${ids.join(', ')})\n`);
  return 0;
}
