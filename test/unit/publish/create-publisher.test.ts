import { expect } from 'chai';
import { createMemoryLogger } from '../../../src/observability/logger.js';
import { createPublisher } from '../../../src/publish/create-publisher.js';
import { publisherConfig, snsClientFor } from './publish-kit.js';

describe('createPublisher', () => {
  const { logger } = createMemoryLogger('error');

  it('builds the dry-run publisher by default', () => {
    expect(createPublisher(publisherConfig(), { logger }).name).to.equal('dry-run');
  });

  it('builds the SNS publisher on the given client when kind is sns', () => {
    const client = snsClientFor('http://127.0.0.1:1');
    expect(createPublisher(publisherConfig({ kind: 'sns' }), { logger, snsClient: client }).name).to.equal('sns');
    client.destroy();
  });

  it('refuses kind sns without a client', () => {
    expect(() => createPublisher(publisherConfig({ kind: 'sns' }), { logger })).to.throw(TypeError, /no SNS client/);
  });
});
