import { expect } from 'chai';
import { Secret } from '../../../src/config/secret.js';
import { schemes } from '../../../src/verify/schemes.js';
import type { Verifier, VerifyResult } from '../../../src/verify/signature-scheme.js';
import { signWebhook, webhookRequest } from '../../helpers/sign-webhook.js';
import { schemeCases, type SchemeCase } from './scheme-cases.js';

const now = new Date('2026-03-01T12:00:00Z');
const toleranceSeconds = 300;
const body = Buffer.from('{"id":"evt_1","type":"order.shipped","note":"café ✓ — 42 €"}');

function verifierFor(c: SchemeCase, secrets: readonly string[]): Verifier {
  const scheme = schemes[c.scheme];
  const options = scheme.parseOptions(c.options);
  return scheme.create({ secrets: secrets.map((s) => new Secret(s)), toleranceSeconds, options });
}

async function signed(c: SchemeCase, secret = c.secrets.current, at = now): Promise<Record<string, string | string[]>> {
  return signWebhook(c.scheme, body, { secret, now: at, id: 'msg_2Zx9delivery', options: c.options });
}

function verify(c: SchemeCase, headers: Record<string, string | string[]>, rawBody = body): VerifyResult {
  return verifierFor(c, [c.secrets.current]).verify(webhookRequest(headers, rawBody, now));
}

function expectReason(result: VerifyResult, reason: string): void {
  expect(result.ok ? 'accepted' : result.reason).to.equal(reason);
}

/** Sets one header by its lower-case name, replacing any spelling of it. */
function withHeader(headers: Record<string, string | string[]>, name: string, value: string | string[] | undefined) {
  const out = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== name));
  return value === undefined ? out : { ...out, [name]: value };
}

function headerValue(headers: Record<string, string | string[]>, name: string): string {
  const found = Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
  if (typeof found !== 'string') throw new Error(`test setup: no header ${name}`);
  return found;
}

function malformTimestamp(c: SchemeCase, headers: Record<string, string | string[]>, bad: string) {
  if (c.timestampHeader !== undefined) return withHeader(headers, c.timestampHeader, bad);
  return withHeader(headers, c.signatureHeader, headerValue(headers, c.signatureHeader).replace(/t=\d+/, `t=${bad}`));
}

describe('signature schemes', () => {
  for (const c of schemeCases) {
    describe(c.title, () => {
      it('accepts a valid signature and reports the delivery id and signed time it has', async () => {
        const result = verify(c, await signed(c));
        expect(result.ok, JSON.stringify(result)).to.equal(true);
        if (!result.ok) return;
        expect(result.deliveryId).to.equal(c.idHeader === undefined ? undefined : 'msg_2Zx9delivery');
        expect(result.signedAt?.getTime()).to.equal(c.hasTimestamp ? now.getTime() : undefined);
      });

      it('accepts header values padded with surrounding whitespace', async () => {
        const headers = await signed(c);
        const padded = withHeader(headers, c.signatureHeader, `  ${headerValue(headers, c.signatureHeader)} \t`);
        expect(verify(c, padded).ok).to.equal(true);
      });

      if (c.signsBody) {
        it('rejects a body changed by one byte as no_matching_signature', async () => {
          const changed = Buffer.from(body);
          const at = changed.length - 2;
          changed.writeUInt8(changed.readUInt8(at) ^ 0x01, at);
          expectReason(verify(c, await signed(c), changed), 'no_matching_signature');
        });

        it('rejects an empty body signed for another as no_matching_signature', async () => {
          expectReason(verify(c, await signed(c), Buffer.alloc(0)), 'no_matching_signature');
        });
      }

      it('rejects a wrong secret as no_matching_signature', async () => {
        expectReason(verify(c, await signed(c, c.secrets.retired)), 'no_matching_signature');
      });

      it('accepts a rotated-in secret (two configured, signed with the second)', async () => {
        const verifier = verifierFor(c, [c.secrets.current, c.secrets.next]);
        expect(verifier.verify(webhookRequest(await signed(c, c.secrets.next), body, now)).ok).to.equal(true);
      });

      it('rejects a rotated-out secret (signed with one no longer configured)', async () => {
        const verifier = verifierFor(c, [c.secrets.current, c.secrets.next]);
        expectReason(verifier.verify(webhookRequest(await signed(c, c.secrets.retired), body, now)), 'no_matching_signature');
      });

      it('rejects a missing or empty signature header as missing_header', async () => {
        const headers = await signed(c);
        expectReason(verify(c, withHeader(headers, c.signatureHeader, undefined)), 'missing_header');
        expectReason(verify(c, withHeader(headers, c.signatureHeader, '   ')), 'missing_header');
        expectReason(verify(c, {}), 'missing_header');
      });

      for (const bad of c.malformed) {
        it(`rejects the malformed signature header ${JSON.stringify(bad.slice(0, 40))} as malformed_header`, async () => {
          expectReason(verify(c, withHeader(await signed(c), c.signatureHeader, bad)), 'malformed_header');
        });
      }

      it('rejects a duplicated (array) signature header as malformed_header, even when both copies are valid', async () => {
        const headers = await signed(c);
        const value = headerValue(headers, c.signatureHeader);
        expectReason(verify(c, withHeader(headers, c.signatureHeader, [value, value])), 'malformed_header');
      });

      it('rejects a signature header over 8 KiB as malformed_header', async () => {
        const headers = await signed(c);
        const long = `${headerValue(headers, c.signatureHeader)}${' '.repeat(10)}${'a'.repeat(8192)}`;
        expectReason(verify(c, withHeader(headers, c.signatureHeader, long)), 'malformed_header');
      });

      if (c.idHeader !== undefined) {
        const idHeader = c.idHeader;
        it('rejects a duplicated (array) delivery id header as malformed_header', async () => {
          const headers = await signed(c);
          expectReason(verify(c, withHeader(headers, idHeader, ['a', 'b'])), 'malformed_header');
        });
      }

      if (c.timestampHeader !== undefined) {
        const timestampHeader = c.timestampHeader;
        it('rejects a missing timestamp header as missing_header', async () => {
          expectReason(verify(c, withHeader(await signed(c), timestampHeader, undefined)), 'missing_header');
        });

        it('rejects a duplicated (array) timestamp header as malformed_header', async () => {
          const headers = await signed(c);
          const ts = headerValue(headers, timestampHeader);
          expectReason(verify(c, withHeader(headers, timestampHeader, [ts, ts])), 'malformed_header');
        });
      }

      if (c.hasTimestamp) {
        const beyond = (toleranceSeconds + 1) * 1000;
        it('rejects a validly signed timestamp older than the tolerance as timestamp_out_of_tolerance', async () => {
          expectReason(verify(c, await signed(c, c.secrets.current, new Date(now.getTime() - beyond))), 'timestamp_out_of_tolerance');
        });

        it('rejects a validly signed timestamp in the future beyond the tolerance as timestamp_out_of_tolerance', async () => {
          expectReason(verify(c, await signed(c, c.secrets.current, new Date(now.getTime() + beyond))), 'timestamp_out_of_tolerance');
        });

        it('accepts timestamps exactly at the tolerance, in both directions', async () => {
          const edge = toleranceSeconds * 1000;
          expect(verify(c, await signed(c, c.secrets.current, new Date(now.getTime() - edge))).ok).to.equal(true);
          expect(verify(c, await signed(c, c.secrets.current, new Date(now.getTime() + edge))).ok).to.equal(true);
        });

        for (const bad of ['1772366400.5', '-1772366400', '1.7e9', '0x69A42A40', 'yesterday', '17723 66400', '1'.repeat(20)]) {
          it(`rejects the non-integer timestamp ${JSON.stringify(bad)} as malformed_header`, async () => {
            expectReason(verify(c, malformTimestamp(c, await signed(c), bad)), 'malformed_header');
          });
        }
      }
    });
  }
});
