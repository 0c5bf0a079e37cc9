import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root: children run from here, so `--import tsx` and relative paths resolve. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** A child process of the bench: its pid, its stderr (kept for error reports) and a bounded stop. */
export interface ChildHandle {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  readonly exited: Promise<number | string>;
  stderr(): string;
  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves when the process is gone. */
  stop(timeoutMs?: number): Promise<void>;
}

export interface SpawnOptions {
  /** Where stdout goes: a file (service logs), a pipe (read by the caller) or nowhere. */
  readonly stdout: { readonly file: string } | 'pipe' | 'ignore';
  readonly ipc?: boolean;
  readonly nodeArgs?: readonly string[];
}

/** A clean environment: nothing inherited that a service reads (LOG_LEVEL, DATABASE_URL…). */
export function baseEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'production',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** Starts `node [nodeArgs] script [args]` from the repository root. */
export function spawnNode(name: string, script: string, args: readonly string[], env: Record<string, string>, options: SpawnOptions): ChildHandle {
  const stdoutFd = typeof options.stdout === 'object' ? openSync(options.stdout.file, 'a') : undefined;
  const stdio: ('pipe' | 'ignore' | 'ipc' | number)[] = [
    'ignore',
    stdoutFd ?? (options.stdout === 'pipe' ? 'pipe' : 'ignore'),
    'pipe',
    ...(options.ipc === true ? (['ipc'] as const) : []),
  ];
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...args], { cwd: repoRoot, env, stdio });
  if (stdoutFd !== undefined) closeSync(stdoutFd);
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    err = (err + chunk.toString('utf8')).slice(-20_000);
  });
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  let gone = false;
  void exited.then(() => (gone = true));
  if (child.pid === undefined) throw new Error(`${name}: could not start ${script}`);
  return {
    name,
    child,
    pid: child.pid,
    exited,
    stderr: () => err,
    async stop(timeoutMs = 15_000) {
      if (gone) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The first stdout line of a child, parsed as JSON (the fake SNS server announces its URL this way). */
export async function firstJsonLine(handle: ChildHandle, timeoutMs = 20_000): Promise<Record<string, unknown>> {
  const out = handle.child.stdout;
  if (out === null) throw new Error(`${handle.name}: stdout is not a pipe`);
  let text = '';
  const deadline = setTimeout(() => out.emit('error', new Error(`${handle.name}: no output within ${timeoutMs} ms\n${handle.stderr()}`)), timeoutMs);
  try {
    for await (const chunk of out) {
      text += (chunk as Buffer).toString('utf8');
      const newline = text.indexOf('\n');
      if (newline >= 0) {
        out.resume();
        return JSON.parse(text.slice(0, newline)) as Record<string, unknown>;
      }
    }
  } finally {
    clearTimeout(deadline);
  }
  throw new Error(`${handle.name}: exited before announcing itself\n${handle.stderr()}`);
}

export { freePort } from '../../test/helpers/spawn-service.js';

/** Waits until `url` answers 2xx, or fails with the child's stderr if it exits or takes too long. */
export async function waitHealthy(handle: ChildHandle, url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void handle.exited.then(() => (exited = true));
  while (!exited && Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${handle.name} did not become healthy at ${url}\n${handle.stderr()}`);
}

/** Resident memory of a process now and its peak so far (VmHWM), in MB; undefined once it is gone. */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** Samples a process's RSS every `intervalMs` until stopped; `peakMb` is the kernel's high-water mark. */
export function sampleMemory(pid: number, intervalMs = 250): { stop(): { peakMb: number; samples: { atMs: number; rssMb: number }[] } } {
  const started = Date.now();
  const samples: { atMs: number; rssMb: number }[] = [];
  let peakMb = 0;
  const take = (): void => {
    const m = memoryOf(pid);
    if (m === undefined) return;
    peakMb = Math.max(peakMb, m.peakMb, m.rssMb);
    samples.push({ atMs: Date.now() - started, rssMb: m.rssMb });
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      take();
      clearInterval(timer);
      return { peakMb, samples };
    },
  };
}

const ticksPerSecond = 100; // USER_HZ on Linux

/** CPU time (user + system, ms) a process has used so far; NaN once it is gone. */
export function cpuTimeMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at state: utime is the 12th, stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return Number.NaN;
  }
}
