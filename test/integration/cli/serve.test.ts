import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { freePort } from '../../helpers/spawn-service.js';
import { testEnv } from '../../helpers/test-service.js';

/** Polls until `url` answers 200, or the deadline passes. */
async function waitHealthy(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`snsgate serve did not become healthy:\n${output()}`);
}

describe('snsgate serve (CLI)', function () {
  this.timeout(40000);
  let dir = '';
  let child: ChildProcess | undefined;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'snsgate-serve-'));
  });

  after(async () => {
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the templates folder given with --templates, and exits 0 on SIGTERM', async () => {
    const templates = join(dir, 'templates');
    cpSync('templates', templates, { recursive: true });
    cpSync('templates/mms', join(templates, 'mms-extra'), { recursive: true });
    const port = await freePort();
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve', '--templates', templates], {
      cwd: process.cwd(),
      env: { PATH: process.env.PATH ?? '', ...testEnv, PORT: String(port), DATABASE_URL: `sqlite:${join(dir, 'log.db')}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let output = '';
    proc.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    proc.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    const url = `http://127.0.0.1:${port}`;
    await waitHealthy(`${url}/healthz`, proc, () => output);

    const res = await fetch(`${url}/v1/templates`, { headers: { 'x-api-key': testEnv.API_KEY ?? '' } });
    const ids = ((await res.json()) as { templates: { id: string }[] }).templates.map((t) => t.id);
    expect(ids).to.include('mms-extra');

    proc.kill('SIGTERM');
    expect(await exited).to.equal(0);
  });
});
