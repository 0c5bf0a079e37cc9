import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config/config.js';
import { createHandlebars } from './create-handlebars.js';
import { loadPlugin } from './load-plugin.js';
import type { TemplatePlugin, TemplateSet } from './template-plugin.js';

/** What a load needs: the template folders, the config's overrides, the environment and the source names. */
export interface LoadTemplatesInput {
  readonly dirs: readonly string[];
  readonly overrides: Readonly<Config['templates']['overrides']>;
  readonly env: NodeJS.ProcessEnv;
  /** Source names from the config; a manifest naming another source is a problem. */
  readonly knownSources: readonly string[];
  /** The config file, to name it in problems about overrides (default `config`). */
  readonly configFile?: string;
}

/** The loaded set when there are no problems, and every problem as `<file>[:<line>]: <reason>`. */
export interface CheckResult {
  readonly templates: TemplateSet | undefined;
  readonly problems: string[];
}

const templateId = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** A set of plugins by id, listed in id order. */
export function createTemplateSet(plugins: readonly TemplatePlugin[]): TemplateSet {
  const sorted = [...plugins].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const byId = new Map(sorted.map((p) => [p.id, p]));
  return { get: (id) => byId.get(id), list: () => sorted };
}

async function folders(dir: string, problems: string[]): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    // Dot-folders (.git, .cache) are not plugins; files beside the plugins (a README) are allowed.
    return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
  } catch (err) {
    problems.push(`${dir}: cannot read the templates folder (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    return [];
  }
}

/**
 * Loads and checks every plugin folder under `dirs` (folder name = template id) and collects every
 * problem across all of them: nothing is skipped. For `snsgate check` and for loadTemplates.
 */
export async function checkTemplates(input: LoadTemplatesInput): Promise<CheckResult> {
  const problems: string[] = [];
  const configFile = input.configFile ?? 'config';
  const found = new Map<string, string>();
  for (const dir of input.dirs) {
    for (const name of await folders(dir, problems)) {
      const path = join(dir, name);
      const earlier = found.get(name);
      if (!templateId.test(name) || name.length > 64) problems.push(`${path}: the folder name is the template id and must be kebab-case (a-z, 0-9, -)`);
      else if (earlier !== undefined) problems.push(`${path}: template id ${name} is also ${earlier}`);
      else found.set(name, path);
    }
  }
  for (const id of Object.keys(input.overrides)) {
    if (!found.has(id)) problems.push(`${configFile}: templates.overrides.${id}: no template folder named ${id} in ${input.dirs.join(', ')}`);
  }
  const env = createHandlebars();
  const context = { env, vars: input.env, knownSources: input.knownSources, configFile };
  const enabled = [...found].filter(([id]) => input.overrides[id]?.enabled !== false);
  const results = await Promise.all(enabled.map(([id, path]) => loadPlugin(path, id, input.overrides[id], context)));
  const plugins: TemplatePlugin[] = [];
  for (const result of results) {
    problems.push(...result.problems);
    if (result.plugin !== undefined) plugins.push(result.plugin);
  }
  return { templates: problems.length === 0 ? createTemplateSet(plugins) : undefined, problems };
}
