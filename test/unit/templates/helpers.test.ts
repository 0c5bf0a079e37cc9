import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createHandlebars } from '../../../src/templates/create-handlebars.js';

const env = createHandlebars();

function render(source: string, data: unknown = {}): string {
  return env.hbs.compile(source, env.options)(data);
}

describe('template helpers', () => {
  describe('money', () => {
    it('formats an amount in its currency for en-US by default', () => {
      expect(render('{{money total currency}}', { total: '1234.5', currency: 'USD' })).to.equal('$1,234.50');
    });
    it('reads minor units with minor=true, using the currency’s own decimals', () => {
      expect(render('{{money 4999 "usd" minor=true}}')).to.equal('$49.99');
      expect(render('{{money 5800 "jpy" minor=true}}')).to.equal('¥5,800');
    });
    it('formats for a locale with plain spaces (no U+00A0 or U+202F)', () => {
      expect(render('{{money 89.9 "EUR" "de-DE"}}')).to.equal('89,90 €');
      expect(render('{{money 1234.5 "EUR" "fr-FR"}}')).to.equal('1 234,50 €');
    });
    it('shows the currency code with display="code"', () => {
      expect(render('{{money 12 "CHF" display="code"}}')).to.equal('CHF 12.00');
    });
    it('fails on an amount that is not a number, without echoing it', () => {
      expect(() => render('{{money "abc" "USD"}}')).to.throw('money: the amount must be a number or a numeric string, got a string');
    });
  });

  describe('date', () => {
    it('formats ISO dates (nanoseconds included) in UTC, medium style by default', () => {
      expect(render('{{date at}}', { at: '2026-12-04T15:34:39.914245171Z' })).to.equal('Dec 4, 2026, 3:34 PM');
    });
    it('reads epoch seconds (Stripe) and milliseconds', () => {
      expect(render('{{date 1796395412 "iso"}}')).to.equal('2026-12-04T14:43:32.000Z');
      expect(render('{{date 1796395412000 "iso"}}')).to.equal('2026-12-04T14:43:32.000Z');
    });
    it('takes a style, a time zone and a locale', () => {
      expect(render('{{date at "time" timeZone="Europe/Paris" locale="en-GB"}}', { at: '2026-12-04T15:34:00Z' })).to.equal('16:34');
      expect(render('{{date at "date"}}', { at: '2026-12-07' })).to.equal('Dec 7, 2026');
    });
    it('fails on an unknown time zone or a value that is not a date', () => {
      expect(() => render('{{date at timeZone="Mars/Olympus"}}', { at: '2026-12-04T15:34:00Z' })).to.throw(/timeZone=/);
      expect(() => render('{{date "soon"}}')).to.throw(/expected an ISO 8601 date/);
    });
  });

  describe('truncate', () => {
    it('cuts to the length including the ellipsis, on grapheme boundaries', () => {
      expect(render('{{truncate s 10}}', { s: 'Checkout errors above 5%' })).to.equal('Checkou...');
      expect(render('{{truncate s 4 "…"}}', { s: '😀😀😀😀😀' })).to.equal('😀😀😀…');
      expect(render('{{truncate s 10}}', { s: 'short' })).to.equal('short');
    });
  });

  describe('upper and lower', () => {
    it('change case, and render missing values as empty', () => {
      expect(render('{{upper s}}/{{lower s}}/{{upper missing}}', { s: 'Firing' })).to.equal('FIRING/firing/');
    });
  });

  describe('default', () => {
    it('returns the first value that is not missing, null or empty; 0 counts', () => {
      expect(render('{{default a b "x"}}', { a: null, b: '' })).to.equal('x');
      expect(render('{{default a b}}', { a: 0, b: 5 })).to.equal('0');
      expect(render('{{default a.b c}}', { a: {}, c: 'c' })).to.equal('c');
    });
  });

  describe('join', () => {
    it('joins items with a separator (", " by default), skipping empty ones', () => {
      expect(render('{{join tags}}', { tags: ['a', '', null, 'b'] })).to.equal('a, b');
      expect(render('{{join tags " / "}}', { tags: ['x', 'y'] })).to.equal('x / y');
    });
  });

  describe('plural', () => {
    it('picks the singular for 1 and the plural otherwise, from a number or an array', () => {
      expect(render('{{plural 1 "alert"}} {{plural 3 "alert"}} {{plural xs "box" "boxes"}}', { xs: [1, 2] })).to.equal('alert alerts boxes');
    });
  });

  describe('count', () => {
    it('counts array items, object keys and string characters; 0 when missing', () => {
      expect(render('{{count a}} {{count o}} {{count s}} {{count missing}}', { a: [1, 2, 3], o: { x: 1 }, s: 'héllo' })).to.equal('3 1 5 0');
    });
  });

  describe('phone', () => {
    it('masks by default', () => {
      expect(render('{{phone n}}', { n: '+12065551234' })).to.equal('+1206***1234');
    });
    it('formats national, international and E.164, reading national numbers with country=', () => {
      expect(render('{{phone n "national"}}', { n: '+12065551234' })).to.equal('(206) 555-1234');
      expect(render('{{phone n "international"}}', { n: '+447400123456' })).to.equal('+44 7400 123456');
      expect(render('{{phone n "e164" country="DE"}}', { n: '0151 23456789' })).to.equal('+4915123456789');
    });
    it('passes an unparseable value through (e164) or hides it (masked)', () => {
      expect(render('{{phone n "e164"}} {{phone n}}', { n: 'call me' })).to.equal('call me ***');
    });
  });

  describe('json', () => {
    it('renders a value as compact JSON', () => {
      expect(render('{{json v}}', { v: { a: [1, 'x'] } })).to.equal('{"a":[1,"x"]}');
    });
  });

  describe('eq, ne, gt, lt', () => {
    it('compare for #if: eq/ne strictly, gt/lt as numbers or strings', () => {
      const source = '{{#if (eq s "firing")}}E{{/if}}{{#if (ne n "1")}}N{{/if}}{{#if (gt n 0)}}G{{/if}}{{#if (lt "a" "b")}}L{{/if}}{{#if (gt o 1)}}X{{/if}}';
      expect(render(source, { s: 'firing', n: 1, o: {} })).to.equal('ENGL');
    });
  });

  describe('alertGroupKey', () => {
    const firing = JSON.parse(readFileSync('test/fixtures/alertmanager/firing.json', 'utf8')) as Record<string, unknown>;
    const resolved = JSON.parse(readFileSync('test/fixtures/alertmanager/resolved.json', 'utf8')) as Record<string, unknown>;

    it('is the sha256 of groupKey, status and the sorted alert fingerprints with their status', () => {
      const expected = createHash('sha256').update('{}:{alertname="CheckoutErrorRateHigh"}\nfiring\n44791325a4d2c648:firing').digest('hex');
      expect(render('{{alertGroupKey this}}', firing)).to.equal(expected);
    });
    it('is the same for an HA peer’s copy with other timestamps and URLs', () => {
      const peer = { ...firing, externalURL: 'http://alertmanager-2.example.com:9093', receiver: 'sms-gateway' };
      expect(render('{{alertGroupKey this}}', peer)).to.equal(render('{{alertGroupKey this}}', firing));
    });
    it('changes when the group resolves, so the resolve still goes through', () => {
      expect(render('{{alertGroupKey this}}', resolved)).to.not.equal(render('{{alertGroupKey this}}', firing));
    });
    it('does not depend on the order of the alerts', () => {
      const a = { status: 'firing', labels: {}, fingerprint: 'aa' };
      const b = { status: 'firing', labels: {}, fingerprint: 'bb' };
      const key = (alerts: unknown[]): string => render('{{alertGroupKey this}}', { groupKey: 'g', status: 'firing', alerts });
      expect(key([a, b])).to.equal(key([b, a]));
    });
    it('fails on a payload that is not a notification', () => {
      expect(() => render('{{alertGroupKey this}}', { status: 'firing' })).to.throw(/alertGroupKey: expected/);
    });
  });

  it('refuses any helper that is not ours at compile time', () => {
    expect(() => env.hbs.precompile('{{shout name}}', env.options)).to.throw(/unknown helper shout/);
  });
});
