import { expect } from 'chai';
import { Secret } from '../../../src/config/secret.js';
import type { SourceConfig } from '../../../src/config/config.js';
import { createMemoryLogger } from '../../../src/observability/logger.js';
import { createSourceVerifiers } from '../../../src/verify/create-source-verifiers.js';
import { schemes } from '../../../src/verify/schemes.js';
import { signWebhook, webhookRequest } from '../../helpers/sign-webhook.js';
import { schemeCases, type SchemeCase } from './scheme-cases.js';

const now = new Date('2026-03-01T12:00:00Z');
const body = Buffer.from('{"id":"evt_1","amount":4200}');
const changed = Buffer.from('{"id":"evt_1","amount":4201}');
const at = (seconds: number): Date => new Date(now.getTime() + seconds * 1000);

/** Every way a secret or signature could show: whole values and each long token inside them. */
function forbiddenTexts(values: readonly string[]): string[] {
  const out = new Set<string>();
  for (const value of values) {
    if (value.length >= 12) out.add(value);
    for (const token of value.match(/[A-Za-z0-9+/=_:-]{12,}/g) ?? []) out.add(token);
    if (value.startsWith('whsec_')) out.add(value.slice(6));
    if (value.includes(':')) out.add(value.slice(value.indexOf(':') + 1));
  }
  return [...out];
}

type Variant = { readonly headers: Record<string, string | string[]>; readonly body: Buffer; readonly signedAt: Date };

async function failingVariants(c: SchemeCase): Promise<Variant[]> {
  const sign = (secret: string, when = now) => signWebhook(c.scheme, body, { secret, now: when, options: c.options });
  const good = await sign(c.secrets.current);
  const name = Object.keys(good).find((k) => k.toLowerCase() === c.signatureHeader) ?? '';
  const value = good[name] ?? '';
  const variants: Variant[] = [
    { headers: await sign(c.secrets.retired), body, signedAt: now },
    ...(c.signsBody ? [{ headers: good, body: changed, signedAt: now }] : []),
    { headers: { ...good, [name]: [value, value] }, body, signedAt: now },
    { headers: { ...good, [name]: `${value}${'x'.repeat(9000)}` }, body, signedAt: now },
    { headers: { ...good, [name]: `${value.slice(0, -3)}!!!` }, body, signedAt: now },
    ...c.malformed.map((bad) => ({ headers: { ...good, [name]: bad }, body, signedAt: now })),
  ];
  if (c.hasTimestamp) {
    variants.push({ headers: await sign(c.secrets.current, at(-3600)), body, signedAt: at(-3600) });
    variants.push({ headers: await sign(c.secrets.current, at(3600)), body, signedAt: at(3600) });
  }
  return variants;
}

describe('no secret or signature in any detail or log line', () => {
  for (const c of schemeCases) {
    it(`${c.title}: failure details carry neither the secrets nor the received or expected signatures`, async () => {
      const scheme = schemes[c.scheme];
      const options = scheme.parseOptions(c.options);
      const verifier = scheme.create({ secrets: [new Secret(c.secrets.current), new Secret(c.secrets.next)], toleranceSeconds: 300, options });
      for (const variant of await failingVariants(c)) {
        const result = verifier.verify(webhookRequest(variant.headers, variant.body, now));
        expect(result.ok).to.equal(false);
        if (result.ok) continue;
        const expected = await Promise.all(
          [c.secrets.current, c.secrets.next].map((secret) =>
            signWebhook(c.scheme, variant.body, { secret, now: variant.signedAt, options: c.options }),
          ),
        );
        const received = Object.values(variant.headers).flat();
        const signatures = expected.flatMap((h) => Object.values(h));
        for (const text of forbiddenTexts([c.secrets.current, c.secrets.next, c.secrets.retired, ...received, ...signatures])) {
          // The delivery id and timestamps are not secret; the detail may name them.
          if (/^delivery-1$|^[0-9]+$/.test(text)) continue;
          expect(result.detail, `${result.reason} detail leaks ${text.slice(0, 20)}…`).to.not.include(text);
        }
      }
    });
  }

  it('createSourceVerifiers logs and answers without any secret value, usable or not', async () => {
    const { logger, lines } = createMemoryLogger('debug');
    const env = {
      GOOD: 'good-secret-value-1234',
      BAD_BASE64: 'whsec_bad secret value!',
      NO_COLON: 'password-without-user',
      FILE_SECRET: undefined,
    };
    const sources: Record<string, SourceConfig> = {
      github: { scheme: 'github', secrets: [{ env: 'GOOD' }, { env: 'MISSING' }], toleranceSeconds: 300, options: {} },
      orders: { scheme: 'standard-webhooks', secrets: [{ env: 'BAD_BASE64' }], toleranceSeconds: 300, options: {} },
      am: { scheme: 'basic', secrets: [{ env: 'NO_COLON' }, { file: '/run/secrets/am' }], toleranceSeconds: 300, options: {} },
    };
    const verifiers = createSourceVerifiers(sources, env, logger, () => 'file-secret-value-5678');
    const answers = await Promise.all(
      [...verifiers.values()].map(async (v) => {
        const headers = await signWebhook('github', body, { secret: 'attacker-guess-abcdef' });
        return v.verify(webhookRequest(headers, body, now));
      }),
    );
    const everything = JSON.stringify({ lines: lines(), answers });
    expect(lines().length).to.be.greaterThan(0);
    for (const text of ['good-secret-value-1234', 'whsec_bad secret value!', 'bad secret value', 'password-without-user', 'file-secret-value-5678']) {
      expect(everything).to.not.include(text);
    }
  });
});
