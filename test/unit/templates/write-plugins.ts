import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The files of one test plugin; anything left out gets a small working default. */
export interface PluginFiles {
  readonly manifest?: string;
  readonly schema?: Record<string, unknown>;
  readonly body?: string;
  readonly examples?: Readonly<Record<string, string>>;
}

/** A schema with one required string `name`, bounded. */
export const nameSchema = {
  type: 'object',
  properties: { name: { type: 'string', minLength: 1, maxLength: 200 } },
  required: ['name'],
} as const;

/** Writes plugin folders into a fresh temporary templates dir and returns its path. */
export async function writePlugins(plugins: Readonly<Record<string, PluginFiles>>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'snsgate-templates-'));
  for (const [id, files] of Object.entries(plugins)) {
    const dir = join(root, id);
    await mkdir(join(dir, 'examples'), { recursive: true });
    await writeFile(join(dir, 'template.yaml'), files.manifest ?? 'description: test plugin\nto: ["+12065550100"]\n');
    await writeFile(join(dir, 'schema.json'), JSON.stringify(files.schema ?? nameSchema));
    await writeFile(join(dir, 'message.hbs'), files.body ?? 'Hello {{name}}\n');
    for (const [name, text] of Object.entries(files.examples ?? {})) await writeFile(join(dir, 'examples', name), text);
  }
  return root;
}
