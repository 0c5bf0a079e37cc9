import { execFile } from 'node:child_process';
import { runCli } from '../../../src/cli.js';
import type { CliIo } from '../../../src/cli/cli-io.js';

/** What one CLI invocation printed and its exit code. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node --import tsx src/cli.ts …` as a real process (what `snsgate …` runs, from source). */
export function runCliProcess(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', ...args],
      { cwd: process.cwd(), env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20000 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Calls `runCli` in this process with captured output. */
export async function runCliInProcess(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { out: (t) => (stdout += t), err: (t) => (stderr += t), env };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}
