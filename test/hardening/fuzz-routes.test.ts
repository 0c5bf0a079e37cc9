import type { OutgoingHttpHeaders } from 'node:http';
import { expect } from 'chai';
import fc from 'fast-check';
import { signWebhook, testSecrets } from '../helpers/sign-webhook.js';
import { startTestService, testEnv, type TestService } from '../helpers/test-service.js';
import { anyMethod, hostileBody, hostileHeaders, hostileQuery, hostileSegment } from './fuzz-arbitraries.js';
import {
  closeAgent,
  expectProblem,
  expectPrototypesUnchanged,
  jsonOf,
  longMode,
  looseLimits,
  printFigures,
  prototypeSnapshot,
  runProperty,
  scaled,
  send,
  sendWire,
  Tally,
  type RawRequest,
  type RawResponse,
} from './hardening-kit.js';
import { applyMutation, mutationOf, templatesUnderTest, type Mutation, type TemplateUnderTest } from './payload-mutations.js';

const apiKey = testEnv.API_KEY ?? '';
const adminKey = 'hardening-admin-key-0123456789';
const bodyLimitBytes = 65_536;
const deadlineMs = 5000;
/** Answers Node's HTTP parser gives before the app sees the request (no content type, connection closed). */
const nodeLevel = new Set([400, 408, 413, 417, 431, 505]);

const templates = templatesUnderTest();
const webhookTemplates = templates.filter((t) => t.signer !== undefined);
const validBodies = templates.flatMap((t) => t.examples.map((e) => JSON.stringify(e)));
// Built once: some arbitraries (stringMatching) cost milliseconds to build, and `chain` would rebuild them per case.
const nonceArb = fc.stringMatching(/^[a-z0-9]{12}$/);
const bodyArb = hostileBody(validBodies, bodyLimitBytes);
const headersArb = hostileHeaders();
const mutationArbs = new Map(templates.map((x) => [x.id, mutationOf(x)]));
const mutationArb = (x: TemplateUnderTest): fc.Arbitrary<Mutation> => mutationArbs.get(x.id)!;

/** Makes a payload new so idempotency keys taken from it (event id, alert group) do not repeat. */
function freshen(t: TemplateUnderTest, payload: unknown, nonce: string): unknown {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return payload;
  const p = { ...(payload as Record<string, unknown>) };
  if (t.id === 'stripe-payment-succeeded' && typeof p.id === 'string') p.id = `evt_${nonce}`;
  if ((t.id === 'alertmanager' || t.id === 'grafana') && typeof p.groupKey === 'string') p.groupKey = `{}:{alertname="${nonce}"}`;
  return p;
}

type Shape = 'problem' | 'send' | 'preview' | 'tutorial' | 'json' | 'metrics' | 'unsigned';

interface Figures {
  readonly cases: Tally;
  readonly statuses: Map<string, Tally>;
  readonly slowestMs: Map<string, number>;
  readonly totalMs: Tally;
}

const figures: Figures = { cases: new Tally(), statuses: new Map(), slowestMs: new Map(), totalMs: new Tally() };

function note(route: string, res: RawResponse): void {
  figures.cases.add(route);
  const tally = figures.statuses.get(route) ?? new Tally();
  tally.add(res.headers['content-type'] === undefined && nodeLevel.has(res.status) ? `${res.status}(node)` : res.status);
  figures.statuses.set(route, tally);
  figures.slowestMs.set(route, Math.max(figures.slowestMs.get(route) ?? 0, Math.round(res.ms)));
  figures.totalMs.add(route, res.ms);
}

/** The property every answer keeps: never 5xx; 4xx are problem+json (or the tutorial's shape); successes are documented. */
function checkAnswer(route: string, shape: Shape, req: RawRequest, res: RawResponse): void {
  note(route, res);
  const where = `${req.method} ${req.path.slice(0, 120)} → ${res.status} ${res.body.toString('utf8').slice(0, 300)}`;
  expect(res.status, where).to.be.within(200, 499);
  if (res.headers['content-type'] === undefined && nodeLevel.has(res.status)) {
    // Refused by Node's parser (oversized headers, bad framing, Expect): the app never saw it.
    expect(res.headers.connection, where).to.equal('close');
    return;
  }
  const head = req.method === 'HEAD';
  if (req.method === 'OPTIONS' && res.status === 200) {
    expect(res.headers.allow, where).to.be.a('string');
    return;
  }
  if (shape === 'tutorial' && req.method === 'POST' && res.status !== 404 && res.status !== 405) {
    const body = jsonOf(res);
    if (res.status === 200 || res.status === 202) expect(body.success, where).to.equal(true);
    else {
      expect(body.error, where).to.be.a('string');
      if (res.status !== 401 && !(res.status === 400 && !('success' in body))) expect(body.success, where).to.equal(false);
    }
    return;
  }
  if (res.status >= 400) {
    expectProblem(res, req.method);
    return;
  }
  if (shape === 'unsigned') expect.fail(`an unsigned or wrongly signed webhook was accepted: ${where}`);
  if (head) return;
  if (shape === 'metrics') {
    expect(res.headers['content-type'], where).to.match(/^text\/plain/);
    return;
  }
  const body = jsonOf(res);
  if (shape === 'send') {
    expect(res.status, where).to.be.oneOf([200, 202]);
    expect(body.status, where).to.be.oneOf(['accepted', 'sent']);
    expect(body.messages, where).to.be.an('array');
  }
  if (shape === 'preview') expect(body.sent, where).to.equal(false);
}

describe('hardening: fuzzing every public route (fast-check, fixed seed)', function () {
  this.timeout(longMode ? 1_800_000 : 120_000);
  let t: TestService;
  let reloadService: TestService;
  let prototypes: string;
  const started = Date.now();

  before(async () => {
    prototypes = prototypeSnapshot();
    const config = {
      server: { bodyLimitBytes },
      limits: looseLimits,
      // Unlimited outbound rate: otherwise sync sends queue behind the dispatcher's backlog (the fault suite tests the limiter).
      publisher: { rateLimit: { messagesPerSecond: 0 } },
      api: { keys: [{ name: 'hardening-admin', key: { env: 'HARDENING_ADMIN_KEY' }, scopes: ['send', 'read', 'admin'], templates: ['*'] }] },
    };
    t = await startTestService({ config, env: { HARDENING_ADMIN_KEY: adminKey } });
    // Reload reads config/snsgate.yaml (the admin key is gone after the first success): a service of its own.
    reloadService = await startTestService({ config, env: { HARDENING_ADMIN_KEY: adminKey } });
    // Keep only warnings and errors: thousands of cases would otherwise fill the memory log.
    t.service.logger.level = 'warn';
    reloadService.service.logger.level = 'warn';
  });

  after(async () => {
    closeAgent();
    await t.close();
    await reloadService.close();
    const rows: Record<string, unknown> = {};
    for (const [route, tally] of figures.statuses) rows[`${route} (${tally.total()} cases, mean ${(figures.totalMs.get(route) / tally.total()).toFixed(1)} ms, slowest ${figures.slowestMs.get(route) ?? 0} ms)`] = tally;
    rows.total = `${figures.cases.total()} cases in ${((Date.now() - started) / 1000).toFixed(1)} s`;
    printFigures('fuzzing: statuses seen per route', rows);
  });

  afterEach(() => {
    expectPrototypesUnchanged(prototypes);
  });

  async function run<T>(seedOffset: number, numRuns: number, arb: fc.Arbitrary<T>, body: (c: T) => Promise<void>): Promise<void> {
    await runProperty(seedOffset, numRuns, arb, async (c) => {
      await body(c);
      expectPrototypesUnchanged(prototypes);
    });
  }

  it('POST /webhooks/:template, correctly signed, with every schema field of each built-in template mutated', async () => {
    const arb = fc.constantFrom(...webhookTemplates).chain((tpl) =>
      fc.record({
        tpl: fc.constant(tpl),
        example: fc.constantFrom(...tpl.examples),
        mutation: mutationArb(tpl),
        nonce: nonceArb,
        mode: fc.constantFrom('mutated', 'mutated', 'mutated', 'hostile-body'),
        hostile: bodyArb,
      }),
    );
    await run(1, scaled(1500, 20_000), arb, async ({ tpl, example, mutation, nonce, mode, hostile }) => {
      const body = mode === 'hostile-body' ? hostile : Buffer.from(JSON.stringify(applyMutation(freshen(tpl, example, nonce), mutation)) ?? 'null');
      const signer = tpl.signer!;
      const signed = await signWebhook(signer.scheme, body, { secret: signer.secret, id: `fuzz-${nonce}` });
      const req: RawRequest = { method: 'POST', path: `/webhooks/${tpl.id}`, headers: { 'content-type': 'application/json', ...signed }, body };
      checkAnswer(`POST /webhooks/${tpl.id} (signed)`, 'send', req, await send(t.url, req, deadlineMs));
    });
  });

  it('POST /webhooks/:template, unsigned or wrongly signed, with hostile bodies and headers, is never accepted', async () => {
    const arb = fc.record({
      template: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...templates.map((x) => x.id)) }, { weight: 1, arbitrary: hostileSegment }),
      body: bodyArb,
      headers: headersArb,
      wrongSecret: fc.boolean(),
    });
    await run(2, scaled(600, 8000), arb, async ({ template, body, headers, wrongSecret }) => {
      const tpl = webhookTemplates.find((x) => x.id === template);
      let all: OutgoingHttpHeaders = headers;
      if (wrongSecret && tpl?.signer !== undefined) {
        // A genuine signature, but made with another source's secret (or a retired one).
        const other = tpl.signer.scheme === 'stripe' ? testSecrets.stripe.retired : testSecrets.stripe.current;
        all = { ...headers, ...(await signWebhook(tpl.signer.scheme, body, { secret: other })) };
      }
      const req: RawRequest = { method: 'POST', path: `/webhooks/${template}`, headers: all, body };
      checkAnswer('POST /webhooks/:template (unsigned)', 'unsigned', req, await send(t.url, req, deadlineMs));
    });
  });

  it('POST /v1/send/:template and the preview, with mutated payloads, hostile bodies, keys, modes and headers', async () => {
    const arb = fc.constantFrom(...templates).chain((tpl) =>
      fc.record({
        tpl: fc.constant(tpl),
        route: fc.constantFrom('send', 'send', 'preview'),
        example: fc.constantFrom(...tpl.examples),
        mutation: mutationArb(tpl),
        nonce: nonceArb,
        hostile: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: bodyArb }),
        headers: headersArb,
        key: fc.constantFrom('valid', 'valid', 'valid', 'bearer', 'none', 'wrong'),
        query: fc.oneof(fc.constantFrom('', '?mode=sync', '?mode=queued'), hostileQuery),
      }),
    );
    await run(3, scaled(1000, 12_000), arb, async (c) => {
      const body = c.hostile ?? Buffer.from(JSON.stringify(applyMutation(freshen(c.tpl, c.example, c.nonce), c.mutation)) ?? 'null');
      const headers: OutgoingHttpHeaders = { ...c.headers };
      delete headers.authorization;
      delete headers['x-api-key'];
      if (c.key === 'valid') headers['x-api-key'] = apiKey;
      if (c.key === 'bearer') headers.authorization = `Bearer ${apiKey}`;
      if (c.key === 'wrong') headers['x-api-key'] = `${apiKey}x`;
      if (c.hostile === undefined) headers['content-type'] = 'application/json';
      const path = c.route === 'send' ? `/v1/send/${c.tpl.id}${c.query}` : `/v1/templates/${c.tpl.id}/preview${c.query}`;
      const req: RawRequest = { method: 'POST', path, headers, body };
      const route = c.route === 'send' ? 'POST /v1/send/:template' : 'POST /v1/templates/:template/preview';
      checkAnswer(route, c.route === 'send' ? 'send' : 'preview', req, await send(t.url, req, deadlineMs));
    });
  });

  it('POST /api/mms/send answers only in the tutorial shapes', async () => {
    const mms = templates.find((x) => x.id === 'mms')!;
    const arb = fc.record({
      example: fc.constantFrom(...mms.examples),
      mutation: mutationArb(mms),
      hostile: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: bodyArb }),
      headers: headersArb,
      key: fc.constantFrom('valid', 'valid', 'none', 'wrong', 'bearer'),
    });
    await run(4, scaled(500, 6000), arb, async (c) => {
      const body = c.hostile ?? Buffer.from(JSON.stringify(applyMutation(c.example, c.mutation)) ?? 'null');
      const headers: OutgoingHttpHeaders = { ...c.headers };
      delete headers['x-api-key'];
      if (c.key === 'valid') headers['x-api-key'] = apiKey;
      if (c.key === 'wrong') headers['x-api-key'] = 'nope';
      if (c.key === 'bearer') headers.authorization = `Bearer ${apiKey}`;
      if (c.hostile === undefined) headers['content-type'] = 'application/json';
      const req: RawRequest = { method: 'POST', path: '/api/mms/send', headers, body };
      checkAnswer('POST /api/mms/send', 'tutorial', req, await send(t.url, req, deadlineMs));
    });
  });

  it('GET /v1/messages…, GET /v1/messages/:id and POST /v1/messages/:id/retry, with hostile ids, queries and keys', async () => {
    const arb = fc.record({
      kind: fc.constantFrom('list', 'get', 'retry'),
      id: hostileSegment,
      query: hostileQuery,
      headers: headersArb,
      key: fc.constantFrom(apiKey, adminKey, adminKey, '', 'wrong'),
      body: fc.option(bodyArb, { nil: undefined }),
    });
    await run(5, scaled(400, 5000), arb, async (c) => {
      const headers: OutgoingHttpHeaders = { ...c.headers, 'x-api-key': c.key };
      const req: RawRequest =
        c.kind === 'list'
          ? { method: 'GET', path: `/v1/messages${c.query}`, headers }
          : c.kind === 'get'
            ? { method: 'GET', path: `/v1/messages/${c.id}${c.query}`, headers }
            : { method: 'POST', path: `/v1/messages/${c.id}/retry`, headers, ...(c.body === undefined ? {} : { body: c.body }) };
      checkAnswer(`${req.method} /v1/messages${c.kind === 'list' ? '' : c.kind === 'get' ? '/:id' : '/:id/retry'}`, 'json', req, await send(t.url, req, deadlineMs));
    });
  });

  it('POST /-/reload with hostile keys, headers and bodies', async () => {
    const arb = fc.record({
      headers: headersArb,
      key: fc.constantFrom('', 'wrong', apiKey, adminKey),
      body: fc.option(bodyArb, { nil: undefined }),
    });
    await run(6, scaled(80, 800), arb, async (c) => {
      const headers: OutgoingHttpHeaders = { ...c.headers, 'x-api-key': c.key };
      const req: RawRequest = { method: 'POST', path: '/-/reload', headers, ...(c.body === undefined ? {} : { body: c.body }) };
      checkAnswer('POST /-/reload', 'json', req, await send(reloadService.url, req, 15_000));
    });
  });

  it('GET /health, /healthz, /readyz and /metrics, with hostile headers and any method', async () => {
    const arb = fc.record({
      path: fc.constantFrom('/health', '/healthz', '/readyz', '/metrics'),
      method: fc.oneof({ weight: 3, arbitrary: fc.constant('GET') }, { weight: 1, arbitrary: anyMethod }),
      headers: headersArb,
      query: hostileQuery,
    });
    await run(7, scaled(300, 3000), arb, async (c) => {
      const req: RawRequest = { method: c.method, path: `${c.path}${c.query}`, headers: c.headers };
      checkAnswer(`${c.method === 'GET' ? 'GET' : 'any'} ${c.path}`, c.path === '/metrics' ? 'metrics' : 'json', req, await send(t.url, req, deadlineMs));
    });
  });

  it('any method on any path answers 404/405 problem+json (or the route itself)', async () => {
    const prefix = fc.constantFrom('', '/webhooks', '/v1', '/v1/send', '/v1/templates', '/v1/messages', '/api', '/api/mms', '/-', '/health', '/metrics');
    const arb = fc.record({
      method: anyMethod,
      path: fc.tuple(prefix, fc.array(hostileSegment, { minLength: 0, maxLength: 4 }), fc.constantFrom('', '/', '//', '?', '#x')).map(
        ([p, segments, tail]) => `${p}/${segments.join('/')}${tail}`.replace(/^\/\//, '/'),
      ),
      headers: headersArb,
      body: fc.option(bodyArb, { nil: undefined }),
    });
    await run(8, scaled(500, 6000), arb, async (c) => {
      const headers: OutgoingHttpHeaders = { ...c.headers, 'x-api-key': apiKey };
      const req: RawRequest = { method: c.method, path: c.path, headers, ...(c.body === undefined || c.method === 'GET' || c.method === 'HEAD' ? {} : { body: c.body }) };
      const res = await send(t.url, req, deadlineMs);
      const route = 'any method, any path';
      if (res.status < 300 && c.method !== 'OPTIONS') {
        // The path happened to be a real route (a send, a preview, a listing): its own rules apply.
        note(route, res);
        expect(res.status, `${c.method} ${c.path}`).to.be.within(200, 299);
        return;
      }
      checkAnswer(route, c.path.startsWith('/api/mms/send') ? 'tutorial' : 'json', req, res);
    });
  });

  it('raw bytes on the wire: the server answers below 500 or closes, and keeps serving', async () => {
    const line = fc.oneof(
      fc.constantFrom(
        'POST /webhooks/order-shipped HTTP/1.1',
        'GET /health HTTP/1.0',
        'GET /health HTTP/2.0',
        'GET /health HTTP/9.9',
        'GET  /health HTTP/1.1',
        'GET /he alth HTTP/1.1',
        'G\u0000T /health HTTP/1.1',
        'POST /v1/send/mms HTTP/1.1',
        'GET http://evil.example/health HTTP/1.1',
        'CONNECT 127.0.0.1:22 HTTP/1.1',
        'GET * HTTP/1.1',
        '',
      ),
      fc.string({ unit: 'binary-ascii', maxLength: 80 }),
    );
    const header = fc.oneof(
      fc.constantFrom(
        'Host: x',
        'Content-Length: 5',
        'Content-Length: -1',
        'Content-Length: 5, 6',
        'Content-Length: 99999999999999999999',
        'Transfer-Encoding: chunked',
        'Transfer-Encoding: gzip, chunked',
        'Transfer-Encoding: chunked\r\nContent-Length: 3',
        'Content-Type: application/json',
        'X-Api-Key: test-api-key-0123456789',
        ' folded: continuation',
        'NoColon',
        'Bad Name: x',
        'X: \u0000\u0001',
        `X-Long: ${'a'.repeat(20_000)}`,
        'Expect: 100-continue',
        'Expect: teapot',
        'Connection: close',
      ),
      fc.string({ unit: 'binary-ascii', maxLength: 60 }),
    );
    const arb = fc.record({
      line,
      headers: fc.array(header, { maxLength: 6 }),
      body: fc.oneof(fc.constant(''), fc.constantFrom('0\r\n\r\n', '5\r\nhello\r\n0\r\n\r\n', 'zz\r\n', '{"a":1}'), fc.string({ unit: 'binary', maxLength: 200 })),
    });
    const port = Number(new URL(t.url).port);
    await run(9, scaled(300, 3000), arb, async (c) => {
      const head = [c.line, ...c.headers].join('\r\n');
      const wire = Buffer.from(`${head}\r\n\r\n${c.body}`, 'latin1');
      const { text } = await sendWire(port, wire, 3000);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];
      figures.cases.add('raw wire');
      const tally = figures.statuses.get('raw wire') ?? new Tally();
      tally.add(status ?? 'closed or waiting');
      figures.statuses.set('raw wire', tally);
      if (status !== undefined) expect(Number(status), text.slice(0, 300)).to.be.below(500);
    });
    const health = await send(t.url, { method: 'GET', path: '/healthz' });
    expect(health.status).to.equal(200);
  });

  it('after all of it: no programmer error was logged, and the service still sends', async () => {
    const errors = [...t.logs(), ...reloadService.logs()].filter((l) => l.level === 'error');
    const distinct = [...new Set(errors.map((l) => `${String(l.message)} ${JSON.stringify(l.err ?? l.code ?? '')}`.slice(0, 400)))];
    expect(distinct, `${errors.length} error line(s)`).to.deep.equal([]);
    const res = await t.fetch('/v1/send/mms?mode=sync', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ phoneNumber: '+12065550123', messageBody: 'still here', mediaUrl: 'https://example.com/p.png' }),
    });
    expect(res.status).to.equal(200);
  });
});
