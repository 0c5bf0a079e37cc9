import { expect } from 'chai';
import { groupForDelivery } from '../../../src/store/group-for-delivery.js';
import type { MessageRecord } from '../../../src/store/message-store.js';
import type { PublishTarget } from '../../../src/publish/publisher.js';

const row = (id: string, target: PublishTarget) => ({ id, target }) as unknown as MessageRecord;
const topic = (arn: string): PublishTarget => ({ kind: 'topic', topicArn: arn });
const phone: PublishTarget = { kind: 'phone', phoneNumber: '+12065550100' };

describe('groupForDelivery()', () => {
  it('sends phone messages alone and batches each topic by ten, keeping the order', () => {
    const rows = [
      row('p1', phone),
      ...Array.from({ length: 12 }, (_, i) => row(`a${i}`, topic('arn:a'))),
      row('b0', topic('arn:b')),
      row('p2', phone),
    ];
    const groups = groupForDelivery(rows).map((g) => g.map((r) => r.id));
    expect(groups).to.deep.equal([
      ['p1'],
      ['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9'],
      ['a10', 'a11'],
      ['b0'],
      ['p2'],
    ]);
  });
});
