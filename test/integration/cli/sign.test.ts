import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { testSecrets } from '../../helpers/sign-webhook.js';
import { spawnService, type ServiceProcess } from '../../helpers/spawn-service.js';
import { testEnv } from '../../helpers/test-service.js';
import { runCliInProcess, runCliProcess } from './cli-harness.js';

const example = 'templates/order-shipped/examples/ups-two-items.json';

/** Runs a printed curl command with bash, adding the status code as the last line of its output. */
function runCurl(command: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', `${command.trimEnd()} -w '\\n%{http_code}'`], { cwd: process.cwd(), timeout: 15000 }, (err, stdout, stderr) => {
      if (err !== null) return reject(new Error(`curl failed: ${stderr}`));
      const lines = stdout.split('\n');
      resolve({ status: Number(lines.pop()), body: lines.join('\n') });
    });
  });
}

describe('snsgate sign (CLI) against a running service', function () {
  this.timeout(40000);
  let dir = '';
  let proc: ServiceProcess | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'snsgate-sign-'));
    proc = await spawnService({ ...testEnv, DATABASE_URL: `sqlite:${join(dir, 'log.db')}` });
  });

  after(async () => {
    if (proc !== undefined && proc.child.exitCode === null && proc.child.signalCode === null) {
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints a curl command that the service accepts with 202', async () => {
    const run = await runCliProcess(['sign', '--template', 'order-shipped', example, '--url', proc?.url ?? ''], testEnv);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^curl /).and.include(`${proc?.url ?? ''}/webhooks/order-shipped`).and.include('webhook-signature: v1,');
    const res = await runCurl(run.stdout);
    expect(res.status, res.body).to.equal(202);
    const body = JSON.parse(res.body) as { messages: { id: string; status: string }[] };
    expect(body.messages).to.have.lengthOf(1);
    expect(body.messages[0]?.status).to.equal('accepted');
  });

  it('signs with the secret of the source, so a command signed with another secret is refused with 401', async () => {
    const env = { ...testEnv, STANDARD_WEBHOOK_SECRET: testSecrets['standard-webhooks'].retired };
    const run = await runCliInProcess(['sign', '--template', 'order-shipped', example, '--url', proc?.url ?? ''], env);
    expect(run.code, run.stderr).to.equal(0);
    const res = await runCurl(run.stdout);
    expect(res.status, res.body).to.equal(401);
    expect(JSON.parse(res.body)).to.include({ code: 'SNSGATE_SIGNATURE_INVALID' });
  });

  it('exits 1 for a template that takes no webhooks', async () => {
    const run = await runCliInProcess(['sign', '--template', 'mms', 'templates/mms/examples/picture.json'], testEnv);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include('mms').and.include('nothing to sign');
  });
});
