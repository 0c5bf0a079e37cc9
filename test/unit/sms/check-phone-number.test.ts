import { expect } from 'chai';
import { checkPhoneNumber, isTopicArn } from '../../../src/sms/check-phone-number.js';

describe('checkPhoneNumber()', () => {
  const accepted: [string, string, string][] = [
    ['a US number (fixed line or mobile)', '+12065551234', 'US'],
    ['a UK mobile', '+447400123456', 'GB'],
    ['a French mobile', '+33612345678', 'FR'],
    ['a German mobile', '+4915123456789', 'DE'],
  ];
  for (const [name, number, country] of accepted) {
    it(`accepts ${name}`, () => {
      expect(checkPhoneNumber(number, [])).to.deep.equal({ ok: true, e164: number, country });
    });
  }

  const refused: [string, string, RegExp][] = [
    ['a number without +', '12065551234', /E\.164/],
    ['a number with spaces', '+1 206 555 1234', /E\.164/],
    ['a number over 15 digits', '+1234567890123456', /E\.164/],
    ['a topic ARN', 'arn:aws:sns:us-east-1:123456789012:alerts', /E\.164/],
    ['a number not valid for its country', '+491511234567', /not a valid phone number/],
    ['a UK fixed line', '+442071838750', /fixed-line number, which cannot receive SMS/],
    ['a US premium-rate number', '+19005550123', /premium-rate/],
    ['a French fixed line', '+33123456789', /fixed-line/],
    ['a US toll-free number', '+18005550199', /toll-free/],
  ];
  for (const [name, number, reason] of refused) {
    it(`refuses ${name} as SNSGATE_RECIPIENT_INVALID`, () => {
      const result = checkPhoneNumber(number, []);
      expect(result.ok).to.equal(false);
      if (result.ok) return;
      expect(result.code).to.equal('SNSGATE_RECIPIENT_INVALID');
      expect(result.reason).to.match(reason);
      expect(result.reason).to.not.include(number.slice(1));
    });
  }

  it('blocks a country outside the allow-list, naming the country', () => {
    expect(checkPhoneNumber('+447400123456', ['US', 'CA'])).to.deep.equal({
      ok: false,
      code: 'SNSGATE_RECIPIENT_COUNTRY_BLOCKED',
      reason: 'country GB is not in the allowed list (US, CA)',
    });
    expect(checkPhoneNumber('+12065551234', ['US', 'CA']).ok).to.equal(true);
  });

  it('checks validity before the allow-list', () => {
    const result = checkPhoneNumber('+491511234567', ['US']);
    expect(!result.ok && result.code).to.equal('SNSGATE_RECIPIENT_INVALID');
  });
});

describe('isTopicArn()', () => {
  const cases: [string, boolean][] = [
    ['arn:aws:sns:us-east-1:123456789012:alerts', true],
    ['arn:aws:sns:eu-west-1:123456789012:orders.fifo', true],
    ['arn:aws-us-gov:sns:us-gov-west-1:123456789012:ops_pager-1', true],
    ['arn:aws:sqs:us-east-1:123456789012:queue', false],
    ['arn:aws:sns:us-east-1:1234:alerts', false],
    ['+12065551234', false],
  ];
  for (const [value, expected] of cases) {
    it(`${expected ? 'accepts' : 'refuses'} ${value}`, () => {
      expect(isTopicArn(value)).to.equal(expected);
    });
  }
});
