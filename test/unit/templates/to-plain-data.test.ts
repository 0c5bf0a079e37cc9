import { expect } from 'chai';
import { GatewayError } from '../../../src/errors.js';
import { toPlainData } from '../../../src/templates/to-plain-data.js';

describe('toPlainData()', () => {
  it('copies JSON data deeply into fresh plain objects', () => {
    const input = { a: [1, 'x', null, { b: true }] };
    const copy = toPlainData(input);
    expect(copy).to.deep.equal(input);
    expect(copy).to.not.equal(input);
    expect(Object.getPrototypeOf(copy)).to.equal(Object.prototype);
  });

  it('keeps a __proto__ key as a plain own property, never as a prototype', () => {
    const copy = toPlainData(JSON.parse('{"__proto__":{"polluted":true}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).to.equal(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(copy, '__proto__')).to.equal(true);
    expect(copy.polluted).to.equal(undefined);
  });

  it('turns dates into ISO strings and drops functions, symbols and class prototypes', () => {
    class Order {
      id = 7;
      total(): number {
        return 1;
      }
    }
    const copy = toPlainData({ at: new Date('2026-12-04T00:00:00Z'), f: () => 1, s: Symbol('s'), order: new Order() }) as Record<string, unknown>;
    expect(copy).to.deep.equal({ at: '2026-12-04T00:00:00.000Z', f: undefined, s: undefined, order: { id: 7 } });
    expect(Object.getPrototypeOf(copy.order)).to.equal(Object.prototype);
  });

  it('refuses data nested deeper than 64 levels', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 70; i++) deep = { deep };
    expect(() => toPlainData(deep)).to.throw(GatewayError, /nested deeper than 64/);
  });
});
