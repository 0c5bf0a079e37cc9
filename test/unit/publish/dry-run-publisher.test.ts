import { expect } from 'chai';
import { createMemoryLogger } from '../../../src/observability/logger.js';
import { createDryRunPublisher } from '../../../src/publish/dry-run-publisher.js';
import { phoneMessage, topicMessage } from './publish-kit.js';

const uuidId = /^dry-run-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('createDryRunPublisher', () => {
  it('records the message and answers a dry-run-<uuid> id', async () => {
    const { logger } = createMemoryLogger('info');
    const publisher = createDryRunPublisher({ logger });
    const message = phoneMessage({ segments: 1 });
    const receipt = await publisher.publish(message);
    expect(receipt.messageId).to.match(uuidId);
    expect(publisher.records()).to.have.length(1);
    expect(publisher.records()[0]).to.include({ messageId: receipt.messageId, message });
  });

  it('logs the masked number and segments at info, and the body only at debug', async () => {
    const info = createMemoryLogger('info');
    await createDryRunPublisher({ logger: info.logger }).publish(phoneMessage({ segments: 2, text: 'secret code 4242' }));
    expect(info.lines()).to.have.length(1);
    expect(info.lines()[0]).to.include({ level: 'info', recipient: '+1206***0100', segments: 2, messageLogId: 'msg-1' });
    expect(JSON.stringify(info.lines())).not.to.include('4242');
    expect(JSON.stringify(info.lines())).not.to.include('+12065550100');

    const debug = createMemoryLogger('debug');
    await createDryRunPublisher({ logger: debug.logger }).publish(phoneMessage({ text: 'secret code 4242' }));
    expect(debug.lines().find((l) => l.level === 'debug')).to.include({ body: 'secret code 4242' });
  });

  it('answers one id per batch entry and nobody is opted out', async () => {
    const publisher = createDryRunPublisher({ logger: createMemoryLogger('error').logger });
    const arn = 'arn:aws:sns:us-east-1:123456789012:alerts';
    const results = await publisher.publishBatch([topicMessage(arn), topicMessage(arn, { id: 'b' })]);
    expect(results.map((r) => r.ok)).to.deep.equal([true, true]);
    expect(await publisher.isOptedOut('+12065550100')).to.equal(false);
  });

  it('keeps only the most recent records', async () => {
    const publisher = createDryRunPublisher({ logger: createMemoryLogger('error').logger, keep: 2 });
    for (const id of ['a', 'b', 'c']) await publisher.publish(phoneMessage({ id }));
    expect(publisher.records().map((r) => r.message.id)).to.deep.equal(['b', 'c']);
  });
});
