import { expect } from 'chai';
import { computeBackoff } from '../../../src/store/compute-backoff.js';

describe('computeBackoff()', () => {
  const options = { baseMs: 1000, maxMs: 10_000 };
  const cases = [
    { attempt: 1, random: 0.5, expected: 500 },
    { attempt: 2, random: 0.5, expected: 1000 },
    { attempt: 3, random: 0.999, expected: 3996 },
    { attempt: 5, random: 0.5, expected: 5000 },
    { attempt: 50, random: 0.5, expected: 5000 },
    { attempt: 1, random: 0, expected: 0 },
  ];
  for (const { attempt, random, expected } of cases) {
    it(`waits ${expected} ms before attempt ${attempt + 1} when the jitter draws ${random}`, () => {
      expect(computeBackoff(attempt, options, () => random)).to.equal(expected);
    });
  }

  it('never waits less than the floor a Retry-After asked for, even past the cap', () => {
    expect(computeBackoff(1, { ...options, floorMs: 30_000 }, () => 0.5)).to.equal(30_000);
    expect(computeBackoff(4, { ...options, floorMs: 2000 }, () => 0.5)).to.equal(4000);
  });
});
