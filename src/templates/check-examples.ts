import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isGatewayError } from '../errors.js';
import { evaluateIdempotencyKey, targetsFor, type PluginParts } from './create-template-plugin.js';
import { parseJsonFile } from './parse-json-file.js';
import { renderText } from './render-text.js';
import type { TemplateExample } from './template-plugin.js';
import { toPlainData } from './to-plain-data.js';

/** The examples of one plugin and the problems they show. */
export interface ExamplesResult {
  readonly examples: TemplateExample[];
  readonly problems: string[];
}

function excerpt(text: string, at: number): string {
  return JSON.stringify(text.slice(Math.max(0, at - 10), at + 30));
}

/** Where a golden and the rendered text part, in words. */
function difference(expected: string, actual: string): string {
  let i = 0;
  while (i < expected.length && i < actual.length && expected[i] === actual[i]) i += 1;
  const line = expected.slice(0, i).split('\n').length;
  if (i === actual.length && expected.slice(i).trim() === '') return 'the golden has trailing whitespace or a final newline the text does not have';
  return `first difference on line ${line}: expected ${excerpt(expected, i)}, rendered ${excerpt(actual, i)}`;
}

function checkValid(parts: PluginParts, file: string, payload: unknown, golden: string | undefined): string[] {
  const errors = parts.validate(payload);
  if (errors.length > 0) {
    return [`${file}: does not match schema.json: ${errors.slice(0, 3).map((e) => `${e.pointer || '(body)'} ${e.message}`).join('; ')}`];
  }
  try {
    const data = toPlainData(payload);
    const { text } = renderText(parts, data);
    targetsFor(parts, data);
    evaluateIdempotencyKey(parts, data);
    if (golden !== undefined && golden !== text) return [`${file.replace(/\.json$/, '.txt')}: does not match the rendered text: ${difference(golden, text)}`];
    return [];
  } catch (err) {
    return [`${file}: ${isGatewayError(err) ? err.message : `could not render (${err instanceof Error ? err.message : String(err)})`}`];
  }
}

/**
 * Loads `examples/` and checks every one: each `*.json` must validate and render (and equal its
 * `.txt` golden, compared exactly), each `invalid-*.json` must be rejected by the schema.
 */
export async function checkExamples(parts: PluginParts, examplesDir: string): Promise<ExamplesResult> {
  let names: string[];
  try {
    names = (await readdir(examplesDir)).sort();
  } catch {
    return { examples: [], problems: [] };
  }
  const examples: TemplateExample[] = [];
  const problems: string[] = [];
  const jsonNames = new Set(names.filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5)));
  for (const txt of names.filter((n) => n.endsWith('.txt'))) {
    const base = txt.slice(0, -4);
    if (!jsonNames.has(base) || base.startsWith('invalid-')) problems.push(`${join(examplesDir, txt)}: a golden without a valid example ${base}.json`);
  }
  for (const name of jsonNames) {
    const file = join(examplesDir, `${name}.json`);
    const parsed = parseJsonFile(await readFile(file, 'utf8'), file);
    if (!parsed.ok) {
      problems.push(parsed.problem);
      continue;
    }
    if (name.startsWith('invalid-')) {
      examples.push({ name, valid: false, payload: parsed.value });
      if (parts.validate(parsed.value).length === 0) problems.push(`${file}: is named invalid-* but schema.json accepts it`);
      continue;
    }
    const golden = names.includes(`${name}.txt`) ? await readFile(join(examplesDir, `${name}.txt`), 'utf8') : undefined;
    examples.push({ name, valid: true, payload: parsed.value, ...(golden === undefined ? {} : { expectedText: golden }) });
    problems.push(...checkValid(parts, file, parsed.value, golden));
  }
  return { examples, problems };
}
