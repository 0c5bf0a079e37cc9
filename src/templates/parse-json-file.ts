/** A parsed JSON file, or a problem naming the file and the line of the syntax error. */
export type JsonFileResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problem: string };

function lineAt(text: string, message: string): number | undefined {
  const position = /at position (\d+)/.exec(message)?.[1];
  if (position !== undefined) return text.slice(0, Number(position)).split('\n').length;
  const line = /line (\d+)/.exec(message)?.[1];
  return line === undefined ? undefined : Number(line);
}

/** Parses a JSON file's text; a syntax error becomes `<file>:<line>: not valid JSON (<reason>)`. */
export function parseJsonFile(text: string, file: string): JsonFileResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const line = lineAt(text, message);
    return { ok: false, problem: `${file}${line === undefined ? '' : `:${line}`}: not valid JSON (${message.split('\n')[0] ?? ''})` };
  }
}
