import { expect } from 'chai';
import { createMessageId } from '../../../src/store/create-message-id.js';

const uuidV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('createMessageId()', () => {
  it('makes URL-safe UUIDv7 strings whose first 48 bits are the millisecond time', () => {
    const at = Date.now() + 5;
    const id = createMessageId(at);
    expect(id).to.match(uuidV7);
    expect(encodeURIComponent(id)).to.equal(id);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).to.equal(at);
  });

  it('makes unique ids that sort as text in the order they were made, even within one millisecond', () => {
    const fixed = Date.now() + 10;
    const ids = Array.from({ length: 10_000 }, () => createMessageId(fixed));
    expect(new Set(ids).size).to.equal(ids.length);
    expect([...ids].sort()).to.deep.equal(ids);
    ids.forEach((id) => expect(id).to.match(uuidV7));
  });

  it('keeps increasing when the clock steps back', () => {
    // Stay near the real time: the generator's state is per process and other tests make ids too.
    const later = createMessageId(Date.now() + 20);
    const earlier = createMessageId(Date.now() - 86_400_000);
    expect(earlier > later).to.equal(true);
  });
});
