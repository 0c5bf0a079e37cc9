import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { hashApiKey } from '../../../src/http/api-key-ring.js';
import type { Problem } from '../../../src/http/problem.js';
import type { MessageRecord } from '../../../src/store/message-store.js';
import type { FakePublish, FakeSns } from '../../helpers/fake-sns-server.js';
import { testEnv, type TestService } from '../../helpers/test-service.js';

/** The tutorial's key (`API_KEY`): scopes send and read, every template. */
export const tutorialKey = testEnv.API_KEY ?? '';

/** Named keys of the API tests, with their material (config holds only the hashes). */
export const keys = {
  admin: 'snsgate-test-admin-key-7f3a9c',
  reader: 'snsgate-test-read-only-key-41be2d',
  ordersOnly: 'snsgate-test-orders-only-key-9d04aa',
  limited: 'snsgate-test-limited-key-c81e5f',
} as const;

/** `api.keys` for the keys above: an admin, a read-only key, a key scoped to one template, a key with its own limit. */
export const namedKeysConfig = {
  api: {
    keys: [
      { name: 'ops-admin', hash: hashApiKey(keys.admin), scopes: ['send', 'read', 'admin'] },
      { name: 'dashboard', hash: hashApiKey(keys.reader), scopes: ['read'] },
      { name: 'orders-app', hash: hashApiKey(keys.ordersOnly), scopes: ['send'], templates: ['order-shipped'] },
      { name: 'batch-job', hash: hashApiKey(keys.limited), scopes: ['send'], rateLimit: { points: 2, durationSeconds: 60 } },
    ],
  },
};

/** One message of a send answer (`messages[]` of 200/202). */
export interface SentMessage {
  readonly id: string;
  readonly status: string;
  readonly recipient: string;
  readonly segments: number;
  readonly encoding: string;
  readonly snsMessageId?: string;
  readonly error?: { code: string; message: string };
}

/** The answer of `POST /webhooks/:template` and `POST /v1/send/:template`. */
export interface SendAnswer {
  readonly status: string;
  readonly template: string;
  readonly mode: string;
  readonly duplicate: boolean;
  readonly messages: readonly SentMessage[];
}

/** An RFC 9457 problem document as snsgate answers it. */
export type ProblemBody = Problem;

/** Checks the problem+json envelope (type, status, code, request id) and returns the document. */
export async function problem(res: Response, status: number, code: string): Promise<ProblemBody> {
  expect(res.status, `HTTP status of a ${code} answer`).to.equal(status);
  expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
  const body = (await res.json()) as ProblemBody;
  expect(body).to.include({ status, code, type: `urn:snsgate:error:${code}` });
  expect(body.requestId).to.equal(res.headers.get('x-request-id'));
  return body;
}

/** Reads a JSON answer with the expected status (the body is shown when it differs). */
export async function jsonAnswer<T>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  expect(res.status, text).to.equal(status);
  return JSON.parse(text) as T;
}

/** POSTs a JSON body (a string or Buffer is sent byte for byte). */
export function postJson(t: TestService, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const raw = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const all = new Headers({ 'content-type': 'application/json' });
  for (const [name, value] of Object.entries(headers)) all.set(name, value);
  return t.fetch(path, { method: 'POST', headers: all, body: raw });
}

/** Polls `probe` until it returns a value (not undefined), failing with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 4000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits until every message is in a final state (`sent`, `failed`, `dead`, `opted_out`) and returns the rows. */
export function waitForFinal(t: TestService, ids: readonly string[]): Promise<MessageRecord[]> {
  return waitFor(`messages ${ids.join(', ')} to finish`, async () => {
    const rows = await Promise.all(ids.map((id) => t.service.store.get(id)));
    const done = rows.every((r) => r !== undefined && ['sent', 'failed', 'dead', 'opted_out'].includes(r.status));
    return done ? rows.filter((r): r is MessageRecord => r !== undefined) : undefined;
  });
}

/** Waits until the dispatcher has nothing left to do (no accepted, publishing or retrying rows). */
export function settled(t: TestService): Promise<true> {
  return waitFor('the message log to settle', async () => {
    const { byStatus } = await t.service.store.depth(new Date());
    return byStatus.accepted + byStatus.publishing + byStatus.retrying === 0 ? true : undefined;
  });
}

/** The fake SNS peer's record of the publish that got this SNS MessageId. */
export function publishOf(sns: FakeSns, snsMessageId: string | null | undefined): FakePublish {
  const found = sns.published.find((p) => p.messageId === snsMessageId);
  if (found === undefined) throw new Error(`the SNS peer has no publish with MessageId ${String(snsMessageId)}`);
  return found;
}

/** Everything published to one phone number. */
export function publishedTo(sns: FakeSns, phoneNumber: string): FakePublish[] {
  return sns.published.filter((p) => p.phoneNumber === phoneNumber);
}

/** The SMS type attribute of a publish as it arrived on the wire. */
export function smsTypeOf(p: FakePublish): string | undefined {
  return p.attributes['AWS.SNS.SMS.SMSType']?.value;
}

/** A short unique tag (letters and digits only) for ids, keys and payload identities. */
export function uniqueTag(prefix: string): string {
  return `${prefix}${randomUUID().replaceAll('-', '').slice(0, 12)}`;
}

/** A built-in template's example, as shipped. */
export interface Example {
  readonly name: string;
  readonly raw: Buffer;
  readonly golden: string | undefined;
}

/** The examples of a built-in template folder: valid ones (with their golden text) or the `invalid-*` ones. */
export function examplesOf(template: string, kind: 'valid' | 'invalid'): Example[] {
  const dir = join('templates', template, 'examples');
  const files = readdirSync(dir).sort();
  return files
    .filter((f) => f.endsWith('.json') && f.startsWith('invalid-') === (kind === 'invalid'))
    .map((file) => {
      const name = file.slice(0, -'.json'.length);
      const golden = files.includes(`${name}.txt`) ? readFileSync(join(dir, `${name}.txt`), 'utf8') : undefined;
      return { name, raw: readFileSync(join(dir, file)), golden };
    });
}

/** An example's payload as an object (to change a field before sending). */
export function examplePayload(template: string, name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join('templates', template, 'examples', `${name}.json`), 'utf8')) as Record<string, unknown>;
}

let nextNumber = Math.floor(Math.random() * 9000);

/** A valid US number (206-555-xxxx, which libphonenumber cannot tell from a mobile), a new one per call. */
export function freshUsNumber(): string {
  nextNumber = (nextNumber + 1) % 9000;
  return `+1206555${1000 + nextNumber}`;
}
