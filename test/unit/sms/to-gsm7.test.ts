import { expect } from 'chai';
import { analyzeSms } from '../../../src/sms/analyze-sms.js';
import { toGsm7 } from '../../../src/sms/to-gsm7.js';

describe('toGsm7()', () => {
  const cases: [string, string, string][] = [
    ['curly quotes', '‘It’s’ “quoted” „low“', `'It's' "quoted" "low"`],
    ['long dashes and a minus', 'a – b — c ― d − e', 'a - b - c - d - e'],
    ['an ellipsis', 'Wait…', 'Wait...'],
    ['no-break, narrow and thin spaces', 'a\u00A0b\u202Fc\u2009d\u3000e', 'a b c d e'],
    ['zero-width characters and soft hyphens', 'in\u200Bvi\u00ADsi\uFEFFble', 'invisible'],
    ['bullets and middle dots', '• one · two ◦ three', '- one - two - three'],
    ['a tab and a line separator', 'a\tb\u2028c', 'a b\nc'],
    ['accented letters outside GSM-7', 'Siobhán Ōtsuka façade', 'Siobhan Otsuka facade'],
    ['symbols with a spelling', '™ © ® ½ ≥ → ×', 'TM (c) (R) 1/2 >= -> x'],
    ['anything else', 'Hi 😀 王', 'Hi ? ?'],
  ];
  for (const [name, input, expected] of cases) {
    it(`replaces ${name}`, () => {
      expect(toGsm7(input)).to.equal(expected);
    });
  }

  it('keeps GSM-7 characters, extension ones included, untouched', () => {
    const text = 'Ça coûte 5€ {ok} [x] ~y | \\ ^ ÄÖÜäöüß @£$¥èéùìò';
    expect(toGsm7(text.replace('û', 'u'))).to.equal(text.replace('û', 'u'));
  });

  it('always returns pure GSM-7', () => {
    expect(analyzeSms(toGsm7('“Zoë’s” café — 🎉 ✓ ★ ж')).encoding).to.equal('GSM-7');
  });
});
