import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { testEnv } from '../../helpers/test-service.js';
import { runCliInProcess, runCliProcess } from './cli-harness.js';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

describe('snsgate (CLI): --version, --help, check, render', function () {
  this.timeout(30000);
  let dir = '';

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'snsgate-cli-'));
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("prints package.json's version for --version and exits 0", async () => {
    const run = await runCliProcess(['--version']);
    expect(run).to.include({ code: 0, stdout: `${pkg.version}\n` });
  });

  it('prints the usage with every command for --help and exits 0', async () => {
    const run = await runCliProcess(['--help']);
    expect(run.code).to.equal(0);
    for (const command of ['serve', 'check', 'render', 'sign', 'migrate', 'messages list', 'keys new', 'keys hash']) {
      expect(run.stdout).to.include(command);
    }
  });

  it('exits 2 with the usage on stderr for an unknown command', async () => {
    const run = await runCliInProcess(['frobnicate']);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.include('unknown command frobnicate').and.include('Usage: snsgate');
  });

  it('check exits 0 on the shipped config and templates', async () => {
    const run = await runCliProcess(['check'], testEnv);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^ok: config, 5 source\(s\) and 6 template\(s\)/);
    for (const id of ['mms', 'alertmanager', 'grafana', 'shopify-order-created', 'stripe-payment-succeeded', 'order-shipped']) {
      expect(run.stdout).to.include(id);
    }
  });

  it('check --templates exits 1 naming the file, the line and the reason of a broken plugin', async () => {
    const templates = join(dir, 'templates');
    cpSync('templates', templates, { recursive: true });
    cpSync('test/fixtures/templates/broken-unknown-helper', join(templates, 'greeting'), { recursive: true });
    const run = await runCliProcess(['check', '--templates', templates], testEnv);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include('1 problem(s)');
    expect(run.stderr).to.include(`${join(templates, 'greeting', 'message.hbs')}:2`).and.include('unknown helper shout');
  });

  it('check --templates lists the problems of every broken plugin, not only the first', async () => {
    const templates = join(dir, 'templates-two');
    cpSync('templates', templates, { recursive: true });
    cpSync('test/fixtures/templates/broken-unknown-helper', join(templates, 'greeting'), { recursive: true });
    cpSync('test/fixtures/templates/broken-bad-yaml', join(templates, 'bad-yaml'), { recursive: true });
    const run = await runCliInProcess(['check', '--templates', templates], testEnv);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include(`${join(templates, 'greeting', 'message.hbs')}:2`);
    expect(run.stderr).to.include(`${join(templates, 'bad-yaml', 'template.yaml')}:4`);
  });

  it('check --config exits 1 naming the file, the line and the unknown key', async () => {
    const config = join(dir, 'bad.yaml');
    writeFileSync(config, 'server:\n  port: 3000\npublisher:\n  kind: dry-run\n  retries: 3\n');
    const run = await runCliInProcess(['check', '--config', config], testEnv);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include(`${config}:5`).and.include('publisher.retries').and.include('is not a known key');
  });

  it('check --config exits 1 naming the key and what was expected for a value of the wrong type', async () => {
    const config = join(dir, 'bad-type.yaml');
    writeFileSync(config, 'dispatcher:\n  concurrency: lots\n');
    const run = await runCliInProcess(['check', '--config', config], testEnv);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include(`${config}:2`).and.include('dispatcher.concurrency').and.include('must be integer');
  });

  it('render prints the same text as the golden file and sends nothing', async () => {
    const run = await runCliProcess(['render', 'alertmanager', 'test/fixtures/alertmanager/firing.json'], testEnv);
    expect(run.code, run.stderr).to.equal(0);
    const out = JSON.parse(run.stdout) as { sent: boolean; messages: { text: string; target: { phoneNumber: string } }[] };
    const golden = readFileSync('templates/alertmanager/examples/firing.txt', 'utf8').replace(/\n$/, '');
    expect(out.sent).to.equal(false);
    expect(out.messages.map((m) => m.text)).to.deep.equal([golden, golden]);
    expect(out.messages.map((m) => m.target.phoneNumber)).to.deep.equal((testEnv.ALERT_SMS_TO ?? '').split(','));
  });

  it('render exits 1 listing every field of a payload that does not match the schema', async () => {
    const payload = join(dir, 'bad-mms.json');
    writeFileSync(payload, JSON.stringify({ phoneNumber: '555-1234', mediaUrl: 'ftp://example.com/x.png' }));
    const run = await runCliInProcess(['render', 'mms', payload], testEnv);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include('/phoneNumber').and.include('/mediaUrl');
  });
});
