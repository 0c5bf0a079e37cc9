import { request as httpRequest, Agent, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { expect } from 'chai';
import fc from 'fast-check';

/**
 * Long mode: `SNSGATE_LONG_TESTS=1` or `--long` on the mocha command line (`npx mocha --long …`).
 * The suites run more cases and longer faults; the default stays within seconds.
 */
export const longMode = process.env.SNSGATE_LONG_TESTS === '1' || process.argv.includes('--long');

/** `normal` cases in the default run, `long` under long mode. */
export function scaled(normal: number, long: number): number {
  return longMode ? long : normal;
}

/** The fixed seed every property uses (each suite offsets it), so a failure replays exactly. */
export const baseSeed = 20_260_410;

/** Prints one suite's figures as an indented block that can be quoted as is. */
export function printFigures(title: string, rows: Readonly<Record<string, unknown>>): void {
  const width = Math.max(...Object.keys(rows).map((k) => k.length));
  const lines = Object.entries(rows).map(([k, v]) => `      ${k.padEnd(width)}  ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  console.log(`    [hardening${longMode ? ', long mode' : ''}] ${title}\n${lines.join('\n')}`);
}

/** Counts of things by key, printable as `{"202":3,"422":9}`. */
export class Tally {
  private readonly counts = new Map<string, number>();
  add(key: string | number, by = 1): void {
    this.counts.set(String(key), (this.counts.get(String(key)) ?? 0) + by);
  }
  get(key: string | number): number {
    return this.counts.get(String(key)) ?? 0;
  }
  total(): number {
    return [...this.counts.values()].reduce((a, b) => a + b, 0);
  }
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }
}

/** One request as the fuzzers send it: any token method, any path, repeated headers, raw bytes. */
export interface RawRequest {
  readonly method: string;
  readonly path: string;
  readonly headers?: OutgoingHttpHeaders;
  readonly body?: Buffer;
}

/** What came back. `body` is empty for HEAD and for answers Node's parser gives before the app. */
export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly ms: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/** Closes the kit's keep-alive sockets (call in an `after` hook). */
export function closeAgent(): void {
  agent.destroy();
}

/**
 * Sends a request and rejects if no complete answer arrives within `deadlineMs`: a hang is a
 * failure of the property, never a stuck test.
 */
export function send(baseUrl: string, req: RawRequest, deadlineMs = 5000): Promise<RawResponse> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const url = new URL(baseUrl);
    const r = httpRequest(
      { host: url.hostname, port: url.port, method: req.method, path: req.path, headers: req.headers ?? {}, agent },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts), ms: performance.now() - started });
        });
        res.on('error', reject);
      },
    );
    const timer = setTimeout(() => {
      r.destroy(new Error(`no answer within ${deadlineMs} ms: ${req.method} ${req.path.slice(0, 80)}`));
    }, deadlineMs);
    r.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    r.end(req.body);
  });
}

/** Writes raw bytes on a fresh connection and returns everything the server wrote before closing. */
export function sendWire(port: number, bytes: Buffer, deadlineMs = 5000): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const parts: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text: Buffer.concat(parts).toString('latin1'), closed: false });
    }, deadlineMs);
    socket.on('data', (c: Buffer) => {
      parts.push(c);
      // One complete answer is enough: a keep-alive server may leave the socket open.
      const text = Buffer.concat(parts).toString('latin1');
      const head = text.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: *(\d+)/i.exec(text)?.[1];
      if (head >= 0 && length !== undefined && text.length >= head + 4 + Number(length)) {
        clearTimeout(timer);
        socket.destroy();
        resolve({ text, closed: true });
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text: Buffer.concat(parts).toString('latin1'), closed: true });
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') return;
      clearTimeout(timer);
      reject(err);
    });
    socket.end(bytes);
  });
}

/** Parses a JSON answer body, or fails the test saying what came instead. */
export function jsonOf(res: RawResponse): Record<string, unknown> {
  const text = res.body.toString('utf8');
  try {
    const value: unknown = JSON.parse(text);
    expect(value, `a JSON object, got ${text.slice(0, 200)}`).to.be.an('object');
    return value as Record<string, unknown>;
  } catch (err) {
    throw new Error(`status ${res.status}: body is not JSON: ${text.slice(0, 200)}`, { cause: err });
  }
}

/** Asserts an RFC 9457 problem answer with snsgate's code; returns the document. */
export function expectProblem(res: RawResponse, method = 'POST'): Record<string, unknown> {
  expect(res.headers['content-type'], `content-type of a ${res.status}`).to.match(/^application\/problem\+json/);
  if (method === 'HEAD') return {};
  const body = jsonOf(res);
  expect(body.status, 'problem.status').to.equal(res.status);
  expect(body.code, 'problem.code').to.be.a('string').and.match(/^SNSGATE_[A-Z_]+$/);
  expect(body.type, 'problem.type').to.equal(`urn:snsgate:error:${String(body.code)}`);
  expect(body.title, 'problem.title').to.be.a('string');
  return body;
}

/** The own property names of the shared prototypes a pollution would change. */
export function prototypeSnapshot(): string {
  const protos = [Object.prototype, Array.prototype, Function.prototype, String.prototype, Number.prototype, Boolean.prototype];
  return JSON.stringify(protos.map((p) => Reflect.ownKeys(p).map(String).sort()));
}

/** Fails when any shared prototype gained or lost a property since `before`, or `{}` sees a stray one. */
export function expectPrototypesUnchanged(before: string): void {
  expect(prototypeSnapshot(), 'shared prototypes changed').to.equal(before);
  const probe = {} as Record<string, unknown>;
  for (const name of ['polluted', 'isAdmin', 'toString2', 'x']) expect(probe[name], `({}).${name}`).to.equal(undefined);
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Megabytes, one decimal. */
export function mb(bytes: number): number {
  return Math.round(bytes / 1e5) / 10;
}

/** Limits so loose that the fuzzers never meet them (the abuse limits have their own tests). */
export const looseLimits = {
  perClient: { points: 1_000_000_000, durationSeconds: 60 },
  perKey: { points: 1_000_000_000, durationSeconds: 60 },
  perSource: { points: 1_000_000_000, durationSeconds: 60 },
  perRecipient: { points: 1_000_000_000, durationSeconds: 3600 },
};

/** A value for a failure message, cut short (counterexamples can hold 64 KB bodies). */
export function brief(value: unknown, max = 1500): string {
  const text = fc.stringify(value);
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

/**
 * Runs an async property with the fixed seed (offset per suite) and fails with the seed, the path to
 * replay it, the error and a shortened counterexample (shrinking is skipped: each case is an HTTP round trip).
 */
export async function runProperty<T>(seedOffset: number, numRuns: number, arb: fc.Arbitrary<T>, body: (c: T) => Promise<void>): Promise<void> {
  const seed = baseSeed + seedOffset;
  const details = await fc.check(fc.asyncProperty(arb, body), { seed, numRuns, endOnFailure: true });
  if (!details.failed) return;
  const cause = details.errorInstance;
  const message = cause instanceof Error ? cause.message : String(cause);
  throw new Error(
    `property failed after ${details.numRuns} case(s) (seed ${seed}, path ${String(details.counterexamplePath)}):\n${message.slice(0, 2000)}\n` +
      `counterexample: ${brief(details.counterexample)}`,
    { cause },
  );
}
