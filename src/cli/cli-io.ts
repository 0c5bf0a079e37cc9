import { readFileSync } from 'node:fs';
import { GatewayError } from '../errors.js';

/** What a command writes to, so tests can capture it. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

/** A command's exit code: 0 done, 1 failed, 2 used wrongly. */
export type ExitCode = 0 | 1 | 2;

/** A usage mistake: printed with the command's help, exit 2. */
export class UsageError extends Error {}

/** Reads a file given on the command line, naming it when it cannot be read. */
export function readInputFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new GatewayError('SNSGATE_BODY_MALFORMED', `cannot read ${path} (${code})`, { cause: err });
  }
}
