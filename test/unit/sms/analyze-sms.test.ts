import { expect } from 'chai';
import { analyzeSms, smsBytes } from '../../../src/sms/analyze-sms.js';

const a = (n: number): string => 'a'.repeat(n);

describe('analyzeSms()', () => {
  // Hand-computed: septets × 7 / 8 rounded up; 160 in one part, else 153 per part (an escape pair
  // never straddles two parts); UCS-2 counts UTF-16 units, 70 in one part, else 67 (pairs kept whole).
  const cases: { name: string; text: string; encoding: 'GSM-7' | 'UCS-2'; characters: number; units: number; bytes: number; segments: number }[] = [
    { name: 'an empty text', text: '', encoding: 'GSM-7', characters: 0, units: 0, bytes: 0, segments: 0 },
    { name: 'pure GSM-7 at 160 characters', text: a(160), encoding: 'GSM-7', characters: 160, units: 160, bytes: 140, segments: 1 },
    { name: 'pure GSM-7 at 161 characters', text: a(161), encoding: 'GSM-7', characters: 161, units: 161, bytes: 141, segments: 2 },
    { name: 'two full parts (306)', text: a(306), encoding: 'GSM-7', characters: 306, units: 306, bytes: 268, segments: 2 },
    { name: 'one past two parts (307)', text: a(307), encoding: 'GSM-7', characters: 307, units: 307, bytes: 269, segments: 3 },
    { name: '158 characters + € (160 septets)', text: `${a(158)}€`, encoding: 'GSM-7', characters: 159, units: 160, bytes: 140, segments: 1 },
    { name: '159 characters + € (161 septets)', text: `${a(159)}€`, encoding: 'GSM-7', characters: 160, units: 161, bytes: 141, segments: 2 },
    { name: 'an escape pair pushed to the next part', text: `${a(152)}€${a(152)}`, encoding: 'GSM-7', characters: 305, units: 306, bytes: 268, segments: 3 },
    { name: 'every extension character', text: '^{}\\[~]|€\f', encoding: 'GSM-7', characters: 10, units: 20, bytes: 18, segments: 1 },
    { name: 'GSM-7 accents, Greek capitals and line breaks', text: 'Ça Δ é\r\nß', encoding: 'GSM-7', characters: 9, units: 9, bytes: 8, segments: 1 },
    { name: 'one emoji', text: 'Hi 😀', encoding: 'UCS-2', characters: 4, units: 5, bytes: 10, segments: 1 },
    { name: 'a curly apostrophe', text: 'It’s here', encoding: 'UCS-2', characters: 9, units: 9, bytes: 18, segments: 1 },
    { name: 'UCS-2 at 70 units', text: `ç${a(69)}`, encoding: 'UCS-2', characters: 70, units: 70, bytes: 140, segments: 1 },
    { name: 'UCS-2 at 71 units', text: `ç${a(70)}`, encoding: 'UCS-2', characters: 71, units: 71, bytes: 142, segments: 2 },
    { name: 'a surrogate pair pushed to the next part', text: `ç${a(65)}😀${a(66)}`, encoding: 'UCS-2', characters: 133, units: 134, bytes: 268, segments: 3 },
    { name: 'GSM-7 over 1,600 bytes (1,829 septets)', text: a(1829), encoding: 'GSM-7', characters: 1829, units: 1829, bytes: 1601, segments: 12 },
  ];
  for (const c of cases) {
    it(`counts ${c.name}`, () => {
      const info = analyzeSms(c.text);
      expect({ encoding: info.encoding, characters: info.characters, units: info.units, bytes: info.bytes, segments: info.segments }).to.deep.equal({
        encoding: c.encoding,
        characters: c.characters,
        units: c.units,
        bytes: c.bytes,
        segments: c.segments,
      });
    });
  }

  it('lists each character that forced UCS-2 once, in order of appearance', () => {
    expect(analyzeSms('“Hi” 😀 — “bye” 😀').ucs2Characters).to.deep.equal(['“', '”', '😀', '—']);
    expect(analyzeSms('plain {text} €5').ucs2Characters).to.deep.equal([]);
  });

  it('measures the SNS byte limit as the larger of wire bytes and UTF-8 bytes', () => {
    const euros = '€'.repeat(600);
    const info = analyzeSms(euros);
    expect(info.bytes).to.equal(1050);
    expect(smsBytes(euros, info)).to.equal(1800);
    expect(smsBytes(a(100), analyzeSms(a(100)))).to.equal(100);
  });
});
