import { expect } from 'chai';
import { Secret } from '../../../src/config/secret.js';
import { createMemoryLogger } from '../../../src/observability/logger.js';
import { maskPhone, maskPhonesIn } from '../../../src/observability/mask.js';

describe('maskPhone()', () => {
  const cases: [string, string][] = [
    ['+12065551234', '+1206***1234'],
    ['+447700900123', '+4477***0123'],
    ['12065551234', '***'],
    ['arn:aws:sns:us-east-1:123456789012:alerts', 'arn:aws:sns:us-east-1:123456789012:alerts'],
  ];
  for (const [input, output] of cases) {
    it(`masks ${input} as ${output}`, () => expect(maskPhone(input)).to.equal(output));
  }

  it('masks every number inside a text', () => {
    expect(maskPhonesIn('to +12065551234 and +447700900123.')).to.equal('to +1206***1234 and +4477***0123.');
  });
});

describe('createLogger()', () => {
  it('writes JSON lines with the level, message and a timestamp', () => {
    const { logger, lines } = createMemoryLogger('info');
    logger.info('hello', { a: 1 });
    logger.debug('hidden');
    const [line] = lines();
    expect(lines()).to.have.length(1);
    expect(line).to.include({ level: 'info', message: 'hello', a: 1 });
    expect(line?.timestamp).to.be.a('string');
  });

  it('masks phone numbers in messages and fields, at any depth', () => {
    const { logger, lines } = createMemoryLogger();
    logger.info('sending to +12065551234', { recipient: '+12065551234', nested: { list: ['+447700900123'] } });
    const text = JSON.stringify(lines());
    expect(text).to.not.include('5551234');
    expect(text).to.not.include('900123');
    expect(text).to.include('+1206***1234');
  });

  it('never writes secret-bearing fields or Secret values', () => {
    const { logger, lines } = createMemoryLogger();
    const secret = new Secret('s3cr3t-value');
    logger.info('headers', {
      headers: { authorization: 'Bearer s3cr3t-value', 'x-api-key': 's3cr3t-value', 'stripe-signature': 't=1,v1=abc' },
      secret,
      token: 's3cr3t-value',
    });
    const text = JSON.stringify(lines());
    expect(text).to.not.include('s3cr3t-value');
    expect(text).to.not.include('v1=abc');
  });

  it('keeps an error stack, with numbers masked in the message', () => {
    const { logger, lines } = createMemoryLogger();
    logger.error('failed', { err: new Error('could not text +12065551234') });
    const err = lines()[0]?.err as { message?: string; stack?: string };
    expect(err.message).to.equal('could not text +1206***1234');
    expect(err.stack).to.be.a('string');
  });
});
