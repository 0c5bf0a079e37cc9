import { expect } from 'chai';
import { PublishCommand } from '@aws-sdk/client-sns';
import { createSnsClient } from '../../../src/publish/create-sns-client.js';
import type { FakeSns } from '../../helpers/fake-sns-server.js';
import { startFakeSns } from '../../helpers/fake-sns-server.js';
import { publisherConfig, testCredentials } from '../../unit/publish/publish-kit.js';

describe('createSnsClient', () => {
  let fake: FakeSns;
  before(async () => {
    fake = await startFakeSns({ port: 0 });
  });
  afterEach(() => fake.reset());
  after(async () => {
    await fake.close();
  });

  const publish = new PublishCommand({ PhoneNumber: '+12065550100', Message: 'hi' });

  it('reaches the endpoint named by AWS_ENDPOINT_URL_SNS with no endpoint option (the SDK reads it itself)', async () => {
    const saved = process.env.AWS_ENDPOINT_URL_SNS;
    process.env.AWS_ENDPOINT_URL_SNS = fake.url;
    try {
      const client = createSnsClient(publisherConfig().sns, { region: 'us-east-1', credentials: testCredentials });
      await client.send(publish);
      client.destroy();
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_SNS;
      else process.env.AWS_ENDPOINT_URL_SNS = saved;
    }
    expect(fake.published).to.have.length(1);
  });

  it('keeps sockets alive between calls and opens at most maxSockets connections', async () => {
    const config = publisherConfig({ sns: { maxSockets: 2 } }).sns;
    const client = createSnsClient(config, { endpoint: fake.url, region: 'us-east-1', credentials: testCredentials });
    for (let i = 0; i < 5; i++) await client.send(publish);
    expect(fake.connectionCount()).to.equal(1);
    fake.setFault({ kind: 'latency', ms: 30 }, { times: 10 });
    await Promise.all(Array.from({ length: 10 }, () => client.send(publish)));
    expect(fake.connectionCount()).to.equal(2);
    client.destroy();
  });

  it('uses maxAttempts from the config for SDK retries', async () => {
    const config = publisherConfig({ sns: { maxAttempts: 3 } }).sns;
    const client = createSnsClient(config, { endpoint: fake.url, region: 'us-east-1', credentials: testCredentials });
    fake.setFault({ kind: 'error', code: 'InternalError' });
    const err = await client.send(publish).catch((e: unknown) => e);
    expect(err).to.have.property('name', 'InternalErrorException');
    expect(fake.requests.map((r) => r.attempt)).to.deep.equal([1, 2, 3]);
    client.destroy();
  });
});
