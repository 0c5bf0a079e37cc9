import { expect } from 'chai';
import { analyzeSms } from '../../../src/sms/analyze-sms.js';
import { fitSms, smsOverflow } from '../../../src/sms/fit-sms.js';

const url = '\nhttps://x.co/p.png';
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;

function fitted(body: string, suffix: string, maxSegments: number): { text: string; truncated: boolean } {
  const result = fitSms(body, suffix, maxSegments);
  if (!result.ok) throw new Error(result.reason);
  return { text: result.text, truncated: result.truncated };
}

describe('fitSms()', () => {
  it('returns a text that fits unchanged', () => {
    expect(fitted('Hello', url, 1)).to.deep.equal({ text: `Hello${url}`, truncated: false });
  });

  it('cuts a GSM-7 body to fill the segments exactly, with ... and the URL kept whole', () => {
    const { text, truncated } = fitted('a'.repeat(400), url, 2);
    // 306 septets: 284 + "..." + 19 for the URL line.
    expect(text).to.equal(`${'a'.repeat(284)}...${url}`);
    expect(truncated).to.equal(true);
    expect(analyzeSms(text)).to.include({ units: 306, segments: 2 });
  });

  it('drops an extension character whole rather than half of its escape pair', () => {
    const { text } = fitted(`${'a'.repeat(156)}€bbb`, '', 1);
    expect(text).to.equal(`${'a'.repeat(156)}...`);
    expect(analyzeSms(text).units).to.equal(159);
  });

  it('never splits a surrogate pair', () => {
    const { text } = fitted(`ç${'a'.repeat(67)}😀zz`, '', 1);
    expect(text).to.equal(`ç${'a'.repeat(67)}…`);
    expect(loneSurrogate.test(text)).to.equal(false);
    expect(analyzeSms(text)).to.include({ encoding: 'UCS-2', units: 69, segments: 1 });
  });

  it('never splits an emoji sequence (ZWJ family, flag)', () => {
    // The family is 8 UTF-16 units: with it the text would need 72 of the 70.
    const { text } = fitted(`ç${'a'.repeat(62)}👨‍👩‍👧🇫🇷zzzz`, '', 1);
    expect(text).to.equal(`ç${'a'.repeat(62)}…`);
    expect(fitted(`ç${'a'.repeat(50)}👨‍👩‍👧🇫🇷zzzzzzzzzz`, '', 1).text).to.equal(`ç${'a'.repeat(50)}👨‍👩‍👧🇫🇷zzzzzz…`);
  });

  it('uses … when the rest stays UCS-2', () => {
    expect(fitted('ç'.repeat(100), '', 1).text).to.equal(`${'ç'.repeat(69)}…`);
  });

  it('uses ... when cutting removed every UCS-2 character', () => {
    const { text } = fitted(`${'a'.repeat(200)}😀`, url, 1);
    expect(text).to.equal(`${'a'.repeat(138)}...${url}`);
    expect(analyzeSms(text)).to.include({ encoding: 'GSM-7', units: 160 });
  });

  it('trims the space before the ellipsis', () => {
    const { text } = fitted(`${'a'.repeat(156)} bbbbbbb`, '', 1);
    expect(text).to.equal(`${'a'.repeat(156)}...`);
  });

  it('keeps a text under SNS’s 1,600 bytes even when the segments would allow more', () => {
    const { text } = fitted('€'.repeat(700), '', 10);
    expect(text).to.equal(`${'€'.repeat(532)}...`);
    expect(Buffer.byteLength(text)).to.equal(1599);
  });

  it('fails when the URL alone does not fit', () => {
    const result = fitSms('Hello', `\nhttps://example.com/${'p'.repeat(150)}`, 1);
    expect(result.ok).to.equal(false);
    expect(!result.ok && result.reason).to.match(/media URL/);
  });
});

describe('smsOverflow()', () => {
  it('names the segments and the limit', () => {
    const text = 'a'.repeat(400);
    expect(smsOverflow(text, analyzeSms(text), 2)).to.equal('3 segments (GSM-7) exceed the limit of 2');
  });

  it('names the bytes over SNS’s limit', () => {
    const text = '€'.repeat(600);
    expect(smsOverflow(text, analyzeSms(text), 10)).to.equal("1800 bytes exceed SNS's limit of 1600");
  });

  it('is undefined when the text fits', () => {
    expect(smsOverflow('Hi', analyzeSms('Hi'), 1)).to.equal(undefined);
  });
});
