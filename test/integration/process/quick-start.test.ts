// The README's quick start, run as written: `npm start` in a copy of the repository (its
// node_modules linked, which is what `npm install` leaves), then every command of its "what to try
// next" blocks through bash, with only the host and port rewritten to the test's own.
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { freePort } from '../../helpers/spawn-service.js';

const repoRoot = process.cwd();

/** The shell blocks of the README's `## Quick start` section, in order. */
function quickStartBlocks(): string[] {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Quick start\n');
  if (start < 0) throw new Error('README.md has no "## Quick start" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
}

/** Lines of a block that are commands (comments and blank lines dropped, `\` continuations joined). */
function commandsOf(block: string): string[] {
  return block
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

const missingTool = ['bash', 'curl', 'openssl'].find((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);

describe('the README quick start, run as written', function () {
  this.timeout(240_000);
  let dir = '';
  let port = 0;
  let server: ChildProcess | undefined;
  let output = '';

  before(function () {
    if (missingTool !== undefined) {
      console.log(`    skipped: the quick start needs ${missingTool}, which this machine lacks`);
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'snsgate-quick-start-'));
    for (const entry of ['src', 'templates', 'config', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']) {
      cpSync(join(repoRoot, entry), join(dir, entry), { recursive: true });
    }
    symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  });

  after(async () => {
    await stop();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  /** A clean environment: no AWS settings, no secrets but the ones a step exports. */
  function env(extra: Record<string, string>): NodeJS.ProcessEnv {
    return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, PORT: String(port), ...extra };
  }

  async function start(command: string, extra: Record<string, string>): Promise<void> {
    expect(command).to.equal('npm start');
    output = '';
    server = spawn('sh', ['-c', command], { cwd: dir, env: env(extra), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    server.stdout?.on('data', (c: Buffer) => (output += c.toString('utf8')));
    server.stderr?.on('data', (c: Buffer) => (output += c.toString('utf8')));
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      if (server.exitCode !== null) throw new Error(`npm start exited ${String(server.exitCode)}:\n${output.slice(-3000)}`);
      try {
        if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
      } catch {
        // still building or starting
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`npm start did not answer /healthz within 120 s:\n${output.slice(-3000)}`);
  }

  async function stop(): Promise<void> {
    const child = server;
    server = undefined;
    if (child === undefined || child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid, 'SIGINT'); // Ctrl-C reaches the whole process group: npm and node
    await exited;
  }

  /** Runs one README command with bash, localhost:3000 rewritten to the test's port; its stdout. */
  async function run(command: string, extra: Record<string, string>): Promise<string> {
    const local = command
      .replaceAll('localhost:3000', `127.0.0.1:${port}`)
      .replace(/\bsign --template\b/, `sign --url http://127.0.0.1:${port} --template`);
    try {
      // pipefail catches a failing left side (`snsgate sign … | sh`), except where `| head` cuts the
      // output short on purpose: curl then fails writing to the closed pipe (exit 23) whenever the
      // rest had not arrived yet; those commands are judged by what they printed instead.
      const pipefail = /\|\s*head\b/.test(local) ? [] : ['-o', 'pipefail'];
      const { stdout } = await promisify(execFile)('bash', [...pipefail, '-c', local], { cwd: dir, env: env(extra), encoding: 'utf8', timeout: 30_000 });
      return stdout;
    } catch (err) {
      throw new Error(`${local} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  it('shows the two commands, serves the dry-run service they start, and answers every command of what to try next', async () => {
    const [install, tryFirst, restart, tryNext] = quickStartBlocks().map(commandsOf);
    expect(install).to.deep.equal(['npm install', 'npm start']);
    port = await freePort();

    await start('npm start', {});
    const [health, ready, metrics] = await Promise.all((tryFirst ?? []).map((c) => run(c, {})));
    expect(JSON.parse(health ?? '')).to.include({ status: 'UP' });
    expect(JSON.parse(ready ?? '')).to.have.property('status');
    expect(metrics).to.match(/^# (HELP|TYPE) /m);
    await stop();

    // The restart block exports two variables, then starts again.
    const exports = (restart ?? []).filter((c) => c.startsWith('export '));
    expect(exports).to.have.length(2);
    const vars: Record<string, string> = {};
    for (const c of exports) {
      const [name, value] = c.slice('export '.length).split(/=(.*)/s);
      vars[name ?? ''] = await run(`printf %s "${value ?? ''}"`, {});
    }
    expect(vars.API_KEY).to.match(/^dev-[0-9a-f]{32}$/);
    expect(vars.STANDARD_WEBHOOK_SECRET).to.match(/^whsec_/);
    expect((restart ?? []).at(-1)).to.equal('npm start');
    await start('npm start', vars);

    const answers: string[] = [];
    for (const c of tryNext ?? []) answers.push(await run(c, vars)); // in order: the log lists what came before
    const [send, signed, preview, messages] = answers;
    const tutorial = JSON.parse(send ?? '') as { success?: boolean; messageId?: string };
    expect(tutorial.success).to.equal(true);
    expect(tutorial.messageId).to.match(/^dry-run-/);
    const webhook = JSON.parse(signed ?? '') as { status?: string; messages?: unknown[] };
    expect(webhook.status).to.equal('accepted');
    expect(webhook.messages).to.have.length.above(0);
    const shown = JSON.parse(preview ?? '') as { sent?: boolean; messages?: { text?: string; segments?: number }[] };
    expect(shown.sent).to.equal(false);
    expect(shown.messages?.[0]?.text).to.be.a('string').and.not.equal('');
    expect(shown.messages?.[0]?.segments).to.be.above(0);
    const log = JSON.parse(messages ?? '') as { messages?: { template?: string }[] };
    expect(log.messages?.map((m) => m.template)).to.include.members(['mms', 'order-shipped']);
    const deadline = Date.now() + 5000;
    while (!output.includes('dry-run publish') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(output, output.slice(-4000)).to.include('dry-run publish');
    // Phone numbers masked in the log: the tutorial's number never appears whole.
    expect(output).to.not.include('+12065550123');
    await stop();
  });
});
