import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TemplateOverride } from '../config/config.js';
import { checkExamples } from './check-examples.js';
import { compileManifest, type Compile } from './compile-manifest.js';
import { compilePayloadSchema } from './compile-payload-schema.js';
import { compileTemplate } from './compile-template.js';
import type { HandlebarsEnv } from './create-handlebars.js';
import { createTemplatePlugin, type PluginParts } from './create-template-plugin.js';
import { parseJsonFile } from './parse-json-file.js';
import { readManifest } from './read-manifest.js';
import type { TemplatePlugin } from './template-plugin.js';

/** What every plugin of one load shares. */
export interface PluginContext {
  readonly env: HandlebarsEnv;
  readonly vars: NodeJS.ProcessEnv;
  readonly knownSources: readonly string[];
  readonly configFile: string;
}

/** One plugin, or the problems that stop the load (every one found, not just the first). */
export interface PluginResult {
  readonly plugin: TemplatePlugin | undefined;
  readonly problems: string[];
}

async function readText(file: string, problems: string[]): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    problems.push(`${file}: ${code === 'ENOENT' ? 'missing (a plugin needs template.yaml, schema.json and message.hbs)' : `cannot be read (${code})`}`);
    return undefined;
  }
}

function payloadSchema(text: string, file: string, problems: string[]): Pick<PluginParts, 'schema' | 'validate'> | undefined {
  const parsed = parseJsonFile(text, file);
  if (!parsed.ok) {
    problems.push(parsed.problem);
    return undefined;
  }
  const compiled = compilePayloadSchema(parsed.value, file);
  if (!compiled.ok) problems.push(...compiled.problems);
  return compiled.ok ? { schema: compiled.schema, validate: compiled.validate } : undefined;
}

/**
 * Loads and checks one plugin folder completely: manifest, config override, schema, message
 * template, expressions and examples. Any problem means no plugin; all problems are reported.
 */
export async function loadPlugin(dir: string, id: string, override: TemplateOverride | undefined, ctx: PluginContext): Promise<PluginResult> {
  const problems: string[] = [];
  const manifestFile = join(dir, 'template.yaml');
  const schemaFile = join(dir, 'schema.json');
  const bodyFile = join(dir, 'message.hbs');
  const [manifestText, schemaText, bodyText] = await Promise.all([manifestFile, schemaFile, bodyFile].map((f) => readText(f, problems)));
  const compile: Compile = (source, label, place) => {
    const result = compileTemplate(ctx.env, source, label, place, id);
    if (!result.ok) problems.push(result.problem);
    return result.ok ? result.template : undefined;
  };
  const read = manifestText === undefined ? undefined : readManifest(manifestText, manifestFile);
  if (read !== undefined && !read.ok) problems.push(...read.problems);
  const payload = schemaText === undefined ? undefined : payloadSchema(schemaText, schemaFile, problems);
  const body = bodyText === undefined ? undefined : compile(bodyText, 'message.hbs', { file: bodyFile });
  const manifestParts = read?.ok === true
    ? compileManifest(id, read.manifest, read.lineOf, override, { ...ctx, manifestFile, compile, problems })
    : undefined;
  if (problems.length > 0 || manifestParts === undefined || payload === undefined || body === undefined) return { plugin: undefined, problems };

  const parts: PluginParts = { id, dir, ...payload, body, ...manifestParts };
  const examples = await checkExamples(parts, join(dir, 'examples'));
  if (examples.problems.length > 0) return { plugin: undefined, problems: examples.problems };
  return { plugin: createTemplatePlugin(parts, examples.examples), problems: [] };
}
