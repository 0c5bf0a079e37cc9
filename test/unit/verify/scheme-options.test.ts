import { expect } from 'chai';
import type { SchemeName } from '../../../src/config/config.js';
import { SchemeOptionError } from '../../../src/verify/scheme-option-error.js';
import { schemes } from '../../../src/verify/schemes.js';

function optionError(scheme: SchemeName, options: Record<string, unknown>): SchemeOptionError {
  try {
    schemes[scheme].parseOptions(options);
  } catch (err) {
    if (err instanceof SchemeOptionError) return err;
    throw err;
  }
  throw new Error('expected parseOptions to throw');
}

describe('scheme parseOptions()', () => {
  const refused: readonly [SchemeName, Record<string, unknown>, string, RegExp][] = [
    ['hmac', {}, 'header', /is required/],
    ['hmac', { header: 'X-Sig', colour: 'blue' }, 'colour', /not a known option/],
    ['hmac', { header: 'X Sig' }, 'header', /must match pattern/],
    ['hmac', { header: 'X-Sig', algorithm: 'md5' }, 'algorithm', /sha1, sha256, sha512/],
    ['hmac', { header: 'X-Sig', encoding: 'base32' }, 'encoding', /hex, base64/],
    ['hmac', { header: 'X-Sig', secretEncoding: 'latin1' }, 'secretEncoding', /utf8, base64, hex/],
    ['hmac', { header: 'X-Sig', timestampUnit: 'us' }, 'timestampUnit', /s, ms/],
    ['hmac', { header: 'X-Sig', prefix: 7 }, 'prefix', /must be string/],
    ['hmac', { header: 'X-Sig', signedContent: '{timestamp}' }, 'signedContent', /\{body\} exactly once/],
    ['hmac', { header: 'X-Sig', signedContent: '{body}{body}' }, 'signedContent', /\{body\} exactly once/],
    ['hmac', { header: 'X-Sig', signedContent: '{nonce}.{body}' }, 'signedContent', /unknown placeholder \{nonce\}/],
    ['hmac', { header: 'X-Sig', signedContent: '{timestamp}.{body}' }, 'timestampHeader', /required when signedContent uses/],
    ['hmac', { header: 'X-Sig', timestampHeader: 'X-Ts' }, 'signedContent', /must use \{timestamp\}/],
    ['hmac', { header: 'X-Sig', signedContent: '{id}.{body}' }, 'idHeader', /required when signedContent uses/],
    ['grafana', { secret: 'inline' }, 'secret', /not a known option/],
    ['grafana', { timestampHeader: '' }, 'timestampHeader', /must NOT have fewer than 1 characters/],
    ['bearer', { header: 'x-api-key', prefix: 'Token' }, 'prefix', /not a known option/],
    ['github', { header: 'X-Hub-Signature' }, 'header', /not a known option/],
    ['shopify', { tolerance: 1 }, 'tolerance', /not a known option/],
    ['stripe', { toleranceSeconds: 1 }, 'toleranceSeconds', /not a known option/],
    ['slack', { version: 'v0' }, 'version', /not a known option/],
    ['standard-webhooks', { format: 'raw' }, 'format', /not a known option/],
    ['basic', { realm: 'x' }, 'realm', /not a known option/],
  ];

  for (const [scheme, options, option, message] of refused) {
    it(`${scheme}: refuses ${JSON.stringify(options)}, naming the option ${option}`, () => {
      const err = optionError(scheme, options);
      expect(err.option).to.equal(option);
      expect(err.message).to.match(message);
      expect(err.message).to.include(`option ${option}`);
    });
  }

  it('hmac: fills the documented defaults', () => {
    expect(schemes.hmac.parseOptions({ header: 'X-Sig' })).to.deep.equal({
      header: 'X-Sig',
      algorithm: 'sha256',
      encoding: 'hex',
      prefix: '',
      signedContent: '{body}',
      timestampUnit: 's',
      secretEncoding: 'utf8',
    });
  });

  it('grafana and bearer: default their header names', () => {
    expect(schemes.grafana.parseOptions({})).to.deep.equal({ header: 'X-Grafana-Alerting-Signature' });
    expect(schemes.bearer.parseOptions({})).to.deep.equal({ header: 'Authorization' });
  });

  it('parses frozen options (the loaded config is frozen) without changing them', () => {
    const frozen = Object.freeze({ header: 'X-Sig' });
    expect(schemes.hmac.parseOptions(frozen)).to.include({ algorithm: 'sha256' });
    expect(frozen).to.deep.equal({ header: 'X-Sig' });
  });
});
