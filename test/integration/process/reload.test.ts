import { appendFileSync, copyFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { hashApiKey } from '../../../src/http/api-key-ring.js';
import { spawnService, type ServiceProcess } from '../../helpers/spawn-service.js';
import { testEnv } from '../../helpers/test-service.js';
import { removeDir, stopService, tempDir, waitFor } from './process-harness.js';

const adminKey = 'reload-test-admin-key-0123456789';
const readKey = testEnv.API_KEY ?? '';
const picture = readFileSync('templates/mms/examples/picture.json', 'utf8');
const pictureText = readFileSync('templates/mms/examples/picture.txt', 'utf8');

/** `snsgate_reloads_total{outcome=…}` from the service's /metrics. */
async function reloads(url: string, outcome: 'success' | 'failure'): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`snsgate_reloads_total{outcome="${outcome}"}`));
  return Number(line?.split(' ').at(-1) ?? NaN);
}

async function templateIds(url: string): Promise<string[]> {
  const res = await fetch(`${url}/v1/templates`, { headers: { authorization: `Bearer ${readKey}` } });
  expect(res.status).to.equal(200);
  return ((await res.json()) as { templates: { id: string }[] }).templates.map((t) => t.id);
}

async function preview(url: string, template: string): Promise<{ status: number; text: string | undefined }> {
  const res = await fetch(`${url}/v1/templates/${template}/preview`, {
    method: 'POST',
    headers: { 'x-api-key': readKey, 'content-type': 'application/json' },
    body: picture,
  });
  const body = (await res.json()) as { messages?: { text: string }[] };
  return { status: res.status, text: body.messages?.[0]?.text };
}

describe('reloading templates and config in the service process (SIGHUP, POST /-/reload)', function () {
  this.timeout(40000);
  let dir = '';
  let proc: ServiceProcess | undefined;
  let added = '';

  before(async () => {
    dir = tempDir('reload');
    cpSync('templates', join(dir, 'templates'), { recursive: true });
    const config = join(dir, 'snsgate.yaml');
    copyFileSync('config/snsgate.yaml', config);
    appendFileSync(config, `\napi:\n  keys:\n    - name: ops\n      hash: ${hashApiKey(adminKey)}\n      scopes: [admin]\n`);
    added = join(dir, 'templates', 'mms-reloaded');
    proc = await spawnService({
      ...testEnv,
      SNSGATE_CONFIG: config,
      SNSGATE_TEMPLATES_DIR: join(dir, 'templates'),
      DATABASE_URL: `sqlite:${join(dir, 'log.db')}`,
    });
  });

  after(async () => {
    await stopService(proc);
    removeDir(dir);
  });

  it('serves a template folder added on disk after SIGHUP', async () => {
    const url = proc?.url ?? '';
    expect(await templateIds(url)).to.not.include('mms-reloaded');
    cpSync(join(dir, 'templates', 'mms'), added, { recursive: true });
    proc?.child.kill('SIGHUP');
    await waitFor('the added template to be listed', async () => ((await templateIds(url)).includes('mms-reloaded') ? true : undefined));
    expect(await reloads(url, 'success')).to.equal(1);
    expect(await preview(url, 'mms-reloaded')).to.deep.equal({ status: 200, text: pictureText });
  });

  it('logs and counts a broken edit on SIGHUP and keeps serving the last good set', async () => {
    const url = proc?.url ?? '';
    const before = await reloads(url, 'failure');
    writeFileSync(join(added, 'message.hbs'), '{{shout messageBody}}\n');
    proc?.child.kill('SIGHUP');
    await waitFor('the failed reload to be counted', async () => ((await reloads(url, 'failure')) === before + 1 ? true : undefined));
    const logged = (proc?.stdout() ?? '').split('\n').find((l) => l.includes('reload failed'));
    expect(logged, 'the reload failure log line').to.be.a('string');
    expect(logged).to.include('mms-reloaded/message.hbs').and.include('shout');
    expect(await templateIds(url)).to.include('mms-reloaded');
    expect(await preview(url, 'mms-reloaded')).to.deep.equal({ status: 200, text: pictureText });
  });

  it('answers POST /-/reload with a 422 problem naming the broken file, and keeps serving the last good set', async () => {
    const url = proc?.url ?? '';
    const before = await reloads(url, 'failure');
    const forbidden = await fetch(`${url}/-/reload`, { method: 'POST', headers: { authorization: `Bearer ${readKey}` } });
    expect(forbidden.status, 'a key without the admin scope').to.equal(403);
    const res = await fetch(`${url}/-/reload`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}` } });
    expect(res.status).to.equal(422);
    expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
    const problem = (await res.json()) as { code: string; detail: string };
    expect(problem.code).to.equal('SNSGATE_RELOAD_FAILED');
    expect(problem.detail).to.include(join(added, 'message.hbs')).and.include('shout');
    expect(await reloads(url, 'failure')).to.equal(before + 1);
    expect(await templateIds(url)).to.include('mms-reloaded');
    expect(await preview(url, 'mms-reloaded')).to.deep.equal({ status: 200, text: pictureText });
  });

  it('takes the repaired folder on the next POST /-/reload', async () => {
    const url = proc?.url ?? '';
    copyFileSync('templates/mms/message.hbs', join(added, 'message.hbs'));
    const manifest = readFileSync(join(added, 'template.yaml'), 'utf8').replace(/^description: .*$/m, 'description: Reloaded copy of mms');
    writeFileSync(join(added, 'template.yaml'), manifest);
    const res = await fetch(`${url}/-/reload`, { method: 'POST', headers: { 'x-api-key': adminKey } });
    const body = (await res.json()) as { status: string; templates: string[] };
    expect(res.status, JSON.stringify(body)).to.equal(200);
    expect(body.status).to.equal('reloaded');
    expect(body.templates).to.include('mms-reloaded');
    const shown = await fetch(`${url}/v1/templates/mms-reloaded`, { headers: { 'x-api-key': readKey } });
    expect(((await shown.json()) as { description: string }).description).to.equal('Reloaded copy of mms');
  });
});
