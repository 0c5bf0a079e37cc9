import type { SchemeName } from '../../../src/config/config.js';
import { testSecrets, type TestSecrets } from '../../helpers/sign-webhook.js';

/** One scheme configuration as the table-driven tests see it. */
export interface SchemeCase {
  readonly title: string;
  readonly scheme: SchemeName;
  readonly options: Record<string, unknown>;
  readonly secrets: TestSecrets;
  /** Lower-case name of the header that carries the signature (or credentials). */
  readonly signatureHeader: string;
  /** A value of that header that is not in the scheme's format. */
  readonly malformed: readonly string[];
  /** Lower-case name of a separate timestamp header, when the scheme has one. */
  readonly timestampHeader?: string;
  readonly timestampUnit?: 's' | 'ms';
  /** True when a timestamp is signed (in its own header or inside the signature header). */
  readonly hasTimestamp: boolean;
  /** Lower-case name of the header that gives the deliveryId, when the scheme has one. */
  readonly idHeader?: string;
  /** False for bearer/basic, whose credentials do not cover the body. */
  readonly signsBody: boolean;
}

const encoded = (s: TestSecrets, encoding: BufferEncoding): TestSecrets => ({
  current: Buffer.from(s.current).toString(encoding),
  next: Buffer.from(s.next).toString(encoding),
  retired: Buffer.from(s.retired).toString(encoding),
});

/** Every scheme, and the generic ones in several configurations. */
export const schemeCases: readonly SchemeCase[] = [
  {
    title: 'standard-webhooks',
    scheme: 'standard-webhooks',
    options: {},
    secrets: testSecrets['standard-webhooks'],
    signatureHeader: 'webhook-signature',
    malformed: ['v1,not-base64!', 'v1', 'v1,' + 'A'.repeat(43), 'sha256=abc'],
    timestampHeader: 'webhook-timestamp',
    hasTimestamp: true,
    idHeader: 'webhook-id',
    signsBody: true,
  },
  {
    title: 'github',
    scheme: 'github',
    options: {},
    secrets: testSecrets.github,
    signatureHeader: 'x-hub-signature-256',
    malformed: ['sha1=abc', 'sha256=xyz', 'sha256=' + 'a'.repeat(63), 'a'.repeat(64)],
    hasTimestamp: false,
    idHeader: 'x-github-delivery',
    signsBody: true,
  },
  {
    title: 'shopify',
    scheme: 'shopify',
    options: {},
    secrets: testSecrets.shopify,
    signatureHeader: 'x-shopify-hmac-sha256',
    malformed: ['not base64 at all', 'a'.repeat(64), 'QUJD'],
    hasTimestamp: false,
    idHeader: 'x-shopify-webhook-id',
    signsBody: true,
  },
  {
    title: 'stripe',
    scheme: 'stripe',
    options: {},
    secrets: testSecrets.stripe,
    signatureHeader: 'stripe-signature',
    malformed: ['v1=' + 'a'.repeat(64), 't=1,t=2,v1=' + 'a'.repeat(64), 'garbage', 't=1772366400,v1=xyz'],
    hasTimestamp: true,
    signsBody: true,
  },
  {
    title: 'slack',
    scheme: 'slack',
    options: {},
    secrets: testSecrets.slack,
    signatureHeader: 'x-slack-signature',
    malformed: ['v1=' + 'a'.repeat(64), 'v0=xyz', 'a'.repeat(64)],
    timestampHeader: 'x-slack-request-timestamp',
    hasTimestamp: true,
    signsBody: true,
  },
  {
    title: 'grafana (body only)',
    scheme: 'grafana',
    options: {},
    secrets: testSecrets.grafana,
    signatureHeader: 'x-grafana-alerting-signature',
    malformed: ['sha256=' + 'a'.repeat(64), 'zz'],
    hasTimestamp: false,
    signsBody: true,
  },
  {
    title: 'grafana (timestampHeader, renamed header)',
    scheme: 'grafana',
    options: { header: 'X-Alert-Signature', timestampHeader: 'X-Alert-Timestamp' },
    secrets: testSecrets.grafana,
    signatureHeader: 'x-alert-signature',
    malformed: ['nothex'],
    timestampHeader: 'x-alert-timestamp',
    hasTimestamp: true,
    signsBody: true,
  },
  {
    title: 'hmac (defaults: sha256 hex over the body)',
    scheme: 'hmac',
    options: { header: 'X-Signature' },
    secrets: testSecrets.hmac,
    signatureHeader: 'x-signature',
    malformed: ['sha256=' + 'a'.repeat(64), 'a'.repeat(63)],
    hasTimestamp: false,
    signsBody: true,
  },
  {
    title: 'hmac (sha512 base64, prefix, id.timestamp.body in ms, base64 secret)',
    scheme: 'hmac',
    options: {
      header: 'X-Acme-Signature',
      algorithm: 'sha512',
      encoding: 'base64',
      prefix: 'sha512=',
      signedContent: '{id}.{timestamp}.{body}',
      timestampHeader: 'X-Acme-Timestamp',
      timestampUnit: 'ms',
      idHeader: 'X-Acme-Id',
      secretEncoding: 'base64',
    },
    secrets: encoded(testSecrets.hmac, 'base64'),
    signatureHeader: 'x-acme-signature',
    malformed: ['sha256=abc', 'sha512=' + 'a'.repeat(10)],
    timestampHeader: 'x-acme-timestamp',
    timestampUnit: 'ms',
    hasTimestamp: true,
    idHeader: 'x-acme-id',
    signsBody: true,
  },
  {
    title: 'hmac (sha1 hex, hex secret, unsigned id header)',
    scheme: 'hmac',
    options: { header: 'x-hook-sig', algorithm: 'sha1', secretEncoding: 'hex', idHeader: 'X-Hook-Id' },
    secrets: encoded(testSecrets.hmac, 'hex'),
    signatureHeader: 'x-hook-sig',
    malformed: ['a'.repeat(64)],
    hasTimestamp: false,
    idHeader: 'x-hook-id',
    signsBody: true,
  },
  {
    title: 'bearer (Authorization)',
    scheme: 'bearer',
    options: {},
    secrets: testSecrets.bearer,
    signatureHeader: 'authorization',
    malformed: ['Token am-token-current', 'Bearer', 'Bearer a b', 'Basic YTpi'],
    hasTimestamp: false,
    signsBody: false,
  },
  {
    title: 'bearer (x-api-key)',
    scheme: 'bearer',
    options: { header: 'X-API-Key' },
    secrets: testSecrets.bearer,
    signatureHeader: 'x-api-key',
    malformed: [],
    hasTimestamp: false,
    signsBody: false,
  },
  {
    title: 'basic',
    scheme: 'basic',
    options: {},
    secrets: testSecrets.basic,
    signatureHeader: 'authorization',
    malformed: ['Bearer abc', 'Basic !!!', 'Basic ' + Buffer.from('no-colon').toString('base64'), 'Basic YWJj'],
    hasTimestamp: false,
    signsBody: false,
  },
];
