import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadConfigFile } from '../../../src/config/load-config.js';
import { spawnService, type ServiceProcess } from '../../helpers/spawn-service.js';
import { testEnv } from '../../helpers/test-service.js';
import { runCliInProcess, runCliProcess } from './cli-harness.js';

const picture = readFileSync('templates/mms/examples/picture.json', 'utf8');

describe('snsgate keys (CLI)', function () {
  this.timeout(40000);
  let dir = '';
  let proc: ServiceProcess | undefined;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'snsgate-keys-'));
  });

  after(async () => {
    if (proc !== undefined && proc.child.exitCode === null && proc.child.signalCode === null) {
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('keys new prints a key and a config entry that a service started with it authenticates', async () => {
    const run = await runCliProcess(['keys', 'new', '--name', 'ci', '--scopes', 'send']);
    expect(run.code, run.stderr).to.equal(0);
    const key = /^\s+(sgk_[A-Za-z0-9_-]{43})$/m.exec(run.stdout)?.[1];
    expect(key, run.stdout).to.be.a('string');
    const snippet = run.stdout.slice(run.stdout.indexOf('  - name: ci'));
    expect(snippet).to.not.include(key ?? '');
    expect(snippet).to.match(/hash: sha256:[0-9a-f]{64}/);

    // The snippet goes under api.keys of a copy of the shipped config, as the output says.
    const config = join(dir, 'snsgate.yaml');
    const indented = snippet.split('\n').map((l) => (l === '' ? l : `  ${l}`)).join('\n');
    writeFileSync(config, `${readFileSync('config/snsgate.yaml', 'utf8')}\napi:\n  keys:\n${indented}`);
    const loaded = loadConfigFile(config, {});
    expect(loaded.api.keys.map((k) => ({ name: k.name, scopes: k.scopes, templates: k.templates }))).to.deep.equal([
      { name: 'ci', scopes: ['send'], templates: ['*'] },
    ]);

    const env = Object.fromEntries(Object.entries(testEnv).filter(([name]) => name !== 'API_KEY'));
    proc = await spawnService({ ...env, SNSGATE_CONFIG: config, DATABASE_URL: `sqlite:${join(dir, 'log.db')}` });
    const send = (apiKey: string): Promise<Response> =>
      fetch(`${proc?.url ?? ''}/v1/send/mms`, { method: 'POST', headers: { 'x-api-key': apiKey, 'content-type': 'application/json' }, body: picture });
    expect((await send(key ?? '')).status).to.equal(202);
    expect((await send(`${key ?? ''}x`)).status).to.equal(401);
    // Scoped to send: reading the templates is refused.
    const read = await fetch(`${proc.url}/v1/templates`, { headers: { authorization: `Bearer ${key ?? ''}` } });
    expect(read.status).to.equal(403);

    const hashed = await runCliInProcess(['keys', 'hash', key ?? '']);
    expect(hashed.code).to.equal(0);
    expect(hashed.stdout).to.equal(`${loaded.api.keys[0]?.hash ?? ''}\n`);
  });

  it('keys new makes a different key each time', async () => {
    const keyOf = async (): Promise<string | undefined> => /^\s+(sgk_\S+)$/m.exec((await runCliInProcess(['keys', 'new'])).stdout)?.[1];
    const [a, b] = await Promise.all([keyOf(), keyOf()]);
    expect(a).to.be.a('string');
    expect(a).to.not.equal(b);
  });

  it('keys new exits 2 naming an unknown scope', async () => {
    const run = await runCliInProcess(['keys', 'new', '--scopes', 'send,root']);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.include('unknown scope root');
  });
});
