import { mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { spawnService } from '../../helpers/spawn-service.js';
import { testEnv } from '../../helpers/test-service.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'snsgate-proc-'));
}

describe('the service process', function () {
  this.timeout(40000);

  it('exits non-zero at start-up naming the file, the key and what was expected', async () => {
    const dir = tempDir();
    const config = join(dir, 'bad.yaml');
    writeFileSync(config, 'server:\n  port: 3000\npublisher:\n  kind: carrier-pigeon\n');
    const proc = await spawnService({ SNSGATE_CONFIG: config, DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}` }, { waitReady: false });
    const code = await proc.exited;
    expect(code).to.equal(1);
    expect(proc.stderr()).to.include(`${config}:4`);
    expect(proc.stderr()).to.include('publisher.kind');
    expect(proc.stderr()).to.include('"dry-run", "sns"');
  });

  it('lets an in-flight request finish on SIGTERM, then exits 0', async () => {
    const dir = tempDir();
    const proc = await spawnService({ ...testEnv, DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}` });
    const body = Buffer.from(JSON.stringify({ phoneNumber: '+12065550123', messageBody: 'slow', mediaUrl: 'https://example.com/p.png' }));
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(
        `${proc.url}/v1/send/mms`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': testEnv.API_KEY, 'content-length': body.length } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString('utf8')));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      // Half the body now, SIGTERM, the rest later: the request is in flight when shutdown starts.
      req.write(body.subarray(0, 10));
      setTimeout(() => {
        proc.child.kill('SIGTERM');
        setTimeout(() => req.end(body.subarray(10)), 500);
      }, 200);
    });
    const res = await answer;
    expect(res.status).to.equal(202);
    expect(await proc.exited).to.equal(0);
    expect(proc.stdout()).to.include('"message":"stopped"');
  });
});
