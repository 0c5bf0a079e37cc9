import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** What one promtool run printed and how it exited. */
export interface PromtoolResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr together, for assertion messages. */
  readonly output: string;
}

export interface PromtoolRunOptions {
  /** Written to promtool's stdin, then stdin is closed (`promtool check metrics` reads the scrape there). */
  readonly stdin?: string;
  readonly cwd?: string;
  /** Kills promtool after this long; 30 s by default. */
  readonly timeoutMs?: number;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where promtool is: `$PROMTOOL` when set (it must be executable), else the first `promtool` on
 * `PATH` (CI installs the Debian package `prometheus`, which puts it in /usr/bin). Undefined when
 * there is none.
 */
export function findPromtool(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env.PROMTOOL;
  if (explicit !== undefined && explicit !== '') return isExecutable(explicit) ? explicit : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'promtool');
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Why promtool cannot be used here, or undefined when it can. */
export function promtoolMissingReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (findPromtool(env) !== undefined) return undefined;
  const explicit = env.PROMTOOL;
  return explicit !== undefined && explicit !== ''
    ? `PROMTOOL=${explicit} is not an executable file`
    : 'promtool is not on PATH (install the Debian/Ubuntu package "prometheus", or set PROMTOOL=/path/to/promtool)';
}

/**
 * The promtool to use in a mocha test or hook; when there is none, prints why and skips (the test is
 * reported as pending, never as passed).
 */
export function requirePromtool(ctx: Mocha.Context): string {
  const path = findPromtool();
  if (path !== undefined) return path;
  const title = ctx.test?.fullTitle() ?? ctx.currentTest?.fullTitle() ?? 'promtool check';
  console.log(`      skipped: ${title}: ${promtoolMissingReason() ?? 'promtool not found'}`);
  return ctx.skip();
}

/** Runs promtool with `args` (and `stdin`); resolves with its exit code and output, whatever the code. */
export function runPromtool(promtool: string, args: readonly string[], options: PromtoolRunOptions = {}): Promise<PromtoolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(promtool, [...args], { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const exit = code ?? (signal === null ? -1 : 128);
      resolve({ code: exit, stdout, stderr, output: `${stdout}${stderr}`.trim() });
    });
    // promtool may exit before reading all of stdin (bad flags); that is reported by its exit code.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
  });
}
