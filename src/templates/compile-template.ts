import type { HandlebarsEnv } from './create-handlebars.js';
import { renderError } from './render-error.js';

/** A compiled template: renders plain data or throws SNSGATE_RENDER_FAILED naming what is missing. */
export interface CompiledTemplate {
  /** What it is, for messages: `message.hbs`, `to[0]`, `mediaUrl`… */
  readonly label: string;
  render(data: unknown): string;
}

/** Where a template's source lives, for load problems: `<file>[:<line>]: [<context>: ]<reason>`. */
export interface SourcePlace {
  readonly file: string;
  /** Line of the source's first line in the file (expressions inside template.yaml). */
  readonly line?: number;
  /** What the source is within the file, for expressions: `to[0]`, `mediaUrl`… */
  readonly context?: string;
}

/** A compiled template, or the load problem that stops it. */
export type CompileResult = { readonly ok: true; readonly template: CompiledTemplate } | { readonly ok: false; readonly problem: string };

interface LocatedError {
  readonly message: string;
  readonly lineNumber?: unknown;
}

function lineOf(err: LocatedError): number | undefined {
  if (typeof err.lineNumber === 'number') return err.lineNumber;
  const parse = /Parse error on line (\d+)/.exec(err.message);
  return parse?.[1] === undefined ? undefined : Number(parse[1]);
}

function reasonOf(message: string): string {
  const lines = message.split('\n').filter((l) => l.trim() !== '');
  // Parse errors carry the source excerpt and a caret; the last line says what was expected.
  const reason = message.startsWith('Parse error') ? `syntax error: ${lines[lines.length - 1] ?? ''}` : (lines[0] ?? message);
  return reason.replace(/ - \d+:\d+$/, '');
}

function unsupported(ast: unknown): string | undefined {
  let found: string | undefined;
  const visit = (node: unknown): void => {
    if (found !== undefined || typeof node !== 'object' || node === null) return;
    if (Array.isArray(node)) return node.forEach(visit);
    const type = (node as { type?: unknown }).type;
    if (type === 'PartialStatement' || type === 'PartialBlockStatement') found = 'partials ({{> name}}) are not supported';
    else if (type === 'Decorator' || type === 'DecoratorBlock') found = 'decorators ({{* name}}) are not supported';
    else Object.values(node).forEach(visit);
  };
  visit(ast);
  return found;
}

/**
 * Compiles a template eagerly: syntax errors, unknown helpers, partials and decorators are load
 * problems (`<file>:<line>: <reason>`), never first-render surprises.
 */
export function compileTemplate(env: HandlebarsEnv, source: string, label: string, place: SourcePlace, templateId: string): CompileResult {
  const at = (line: number | undefined): string => {
    // A file of its own (message.hbs) takes the error's line; an expression inside a file is offset by its own.
    const absolute = place.context === undefined ? line : place.line === undefined ? undefined : place.line + (line ?? 1) - 1;
    return `${place.file}${absolute === undefined ? '' : `:${absolute}`}: ${place.context === undefined ? '' : `${place.context}: `}`;
  };
  let ast: unknown;
  try {
    // compile() is lazy; parse() and precompile() throw now, with the line.
    ast = env.hbs.parse(source);
    env.hbs.precompile(source, env.options);
  } catch (err) {
    const located: LocatedError = err instanceof Error ? err : { message: String(err) };
    return { ok: false, problem: `${at(lineOf(located))}${reasonOf(located.message)}` };
  }
  const refused = unsupported(ast);
  if (refused !== undefined) return { ok: false, problem: `${at(undefined)}${refused}` };
  const compiled = env.hbs.compile(source, env.options);
  return {
    ok: true,
    template: {
      label,
      render(data: unknown): string {
        try {
          return compiled(data);
        } catch (err) {
          throw renderError(err, { templateId, label, ast });
        }
      },
    },
  };
}
