import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { expect } from 'chai';
import { createSnsPublisher } from '../../../src/publish/sns-publisher.js';
import type { FakePublish } from '../../helpers/fake-sns-server.js';
import { startFakeSns } from '../../helpers/fake-sns-server.js';
import { phoneMessage, snsClientFor } from '../../unit/publish/publish-kit.js';

async function control(url: string, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${url}/__control/${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
}

/** Drives a fake through its HTTP control API only, as a benchmark or crash test in another process would. */
async function exercise(url: string): Promise<void> {
  const client = snsClientFor(url, { maxAttempts: 1 });
  const publisher = createSnsPublisher({ client, callTimeoutMs: 2000 });
  try {
    expect((await control(url, 'POST', 'fault', { fault: { kind: 'error', code: 'InternalError' }, times: 1 })).status).to.equal(204);
    expect(await publisher.publish(phoneMessage()).catch((e: unknown) => e)).to.include({ reason: 'server' });
    await publisher.publish(phoneMessage({ text: 'second' }));
    expect((await control(url, 'POST', 'opted-out', { phoneNumbers: ['+12065550100'] })).status).to.equal(204);
    expect(await publisher.isOptedOut('+12065550100')).to.equal(true);

    const { published } = (await (await control(url, 'GET', 'published')).json()) as { published: FakePublish[] };
    expect(published.map((p) => p.message)).to.deep.equal(['second']);
    const stats = (await (await control(url, 'GET', 'stats')).json()) as { requests: Record<string, number> };
    expect(stats.requests).to.deep.equal({ Publish: 2, CheckIfPhoneNumberIsOptedOut: 1 });

    expect((await control(url, 'POST', 'fault', { fault: { kind: 'nonsense' } })).status).to.equal(400);
    expect((await control(url, 'POST', 'reset')).status).to.equal(204);
    const after = (await (await control(url, 'GET', 'published')).json()) as { published: FakePublish[] };
    expect(after.published).to.deep.equal([]);
  } finally {
    client.destroy();
  }
}

describe('fake SNS server control API', () => {
  it('takes faults and opted-out numbers and reports what it saw, in process', async () => {
    const fake = await startFakeSns({ port: 0 });
    try {
      await exercise(fake.url);
    } finally {
      await fake.close();
    }
  });

  it('runs as its own process, printing its URL first', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/fake-sns-main.ts', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const { url } = JSON.parse(line) as { url: string };
      expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      await exercise(url);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    expect(child.exitCode).to.equal(0);
  });
});
