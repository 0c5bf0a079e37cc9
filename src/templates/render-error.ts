import { GatewayError } from '../errors.js';
import { HelperError } from './helpers/helper.js';

interface Where {
  readonly templateId: string;
  readonly label: string;
  /** The template's AST, to name the whole path (`a.b.c`) of a missing field. */
  readonly ast: unknown;
}

interface PathNode {
  readonly type: 'PathExpression';
  readonly original: string;
  readonly loc: { readonly start: { readonly line: number; readonly column: number } };
}

function isPath(node: unknown): node is PathNode {
  return typeof node === 'object' && node !== null && (node as { type?: unknown }).type === 'PathExpression';
}

function pathAt(ast: unknown, line: number, column: number): string | undefined {
  let found: string | undefined;
  const visit = (node: unknown): void => {
    if (found !== undefined || typeof node !== 'object' || node === null) return;
    if (isPath(node) && node.loc.start.line === line && node.loc.start.column === column) {
      found = node.original;
      return;
    }
    Object.values(node).forEach(visit);
  };
  visit(ast);
  return found;
}

function numberProp(err: object, key: string): number | undefined {
  const value: unknown = (err as Record<string, unknown>)[key];
  return typeof value === 'number' ? value : undefined;
}

function describe(err: unknown, ast: unknown): { detail: string; line: number | undefined } {
  if (err instanceof HelperError) return { detail: `helper ${err.message}`, line: undefined };
  if (!(err instanceof Error)) return { detail: 'the template could not be rendered', line: undefined };
  const line = numberProp(err, 'lineNumber');
  const missing = /^"([^"]+)" not defined in/.exec(err.message);
  if (missing?.[1] !== undefined) {
    const column = numberProp(err, 'column');
    const path = line === undefined || column === undefined ? undefined : pathAt(ast, line, column);
    return { detail: `missing field "${path ?? missing[1]}" (the schema does not require it)`, line };
  }
  const reading = /reading '([^']+)'/.exec(err.message);
  if (err instanceof TypeError && reading?.[1] !== undefined) {
    return { detail: `missing object before field "${reading[1]}" (the schema does not require it)`, line };
  }
  return { detail: `the template could not be rendered (${err.name})`, line };
}

/**
 * A Handlebars or helper failure as SNSGATE_RENDER_FAILED: which template, which part, which field
 * is missing. No stack and no payload values in the message; the original text goes to the hint.
 */
export function renderError(err: unknown, where: Where): GatewayError {
  if (err instanceof GatewayError) return err;
  const { detail, line } = describe(err, where.ast);
  const place = line === undefined ? where.label : `${where.label} line ${line}`;
  return new GatewayError('SNSGATE_RENDER_FAILED', `template ${where.templateId}: ${place}: ${detail}`, {
    hint: err instanceof Error ? err.message : String(err),
    reason: 'render',
  });
}
