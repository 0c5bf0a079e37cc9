import { request as httpRequest } from 'node:http';
import { expect } from 'chai';
import { startTestService, testEnv, type TestService } from '../../helpers/test-service.js';

const key = testEnv.API_KEY ?? '';
const json = { 'content-type': 'application/json', 'x-api-key': key };
const mmsBody = JSON.stringify({ phoneNumber: '+12065550123', messageBody: 'Hi', mediaUrl: 'https://example.com/a.png' });

async function problem(res: Response): Promise<Record<string, unknown>> {
  expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
  const body = (await res.json()) as Record<string, unknown>;
  expect(body.status).to.equal(res.status);
  expect(body.code).to.be.a('string');
  expect(body.type).to.equal(`urn:snsgate:error:${String(body.code)}`);
  return body;
}

/** Sends a body with chunked encoding (no Content-Length), as a streaming client would. */
function postChunked(url: string, chunks: Buffer[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { ...json, 'transfer-encoding': 'chunked' } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }));
    });
    req.on('error', (err) => (String(err).includes('EPIPE') || String(err).includes('ECONNRESET') ? undefined : reject(err)));
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe('HTTP edge', () => {
  let t: TestService;
  before(async () => {
    t = await startTestService({ config: { server: { bodyLimitBytes: 4096 } } });
  });
  after(async () => {
    await t.close();
  });

  it('answers 400 problem+json for malformed JSON', async () => {
    const res = await t.fetch('/v1/send/mms', { method: 'POST', headers: json, body: '{"phoneNumber": ' });
    expect(res.status).to.equal(400);
    expect((await problem(res)).code).to.equal('SNSGATE_BODY_MALFORMED');
  });

  it('answers 400 for JSON carrying a __proto__ key, and no prototype changes', async () => {
    const res = await t.fetch('/v1/send/mms', { method: 'POST', headers: json, body: '{"__proto__": {"polluted": true}}' });
    expect(res.status).to.equal(400);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('answers 413 for a body over the limit declared by Content-Length', async () => {
    const res = await t.fetch('/v1/send/mms', { method: 'POST', headers: json, body: 'x'.repeat(5000) });
    expect(res.status).to.equal(413);
    expect((await problem(res)).code).to.equal('SNSGATE_BODY_TOO_LARGE');
  });

  it('answers 413 for a chunked body that grows over the limit', async () => {
    const res = await postChunked(`${t.url}/v1/send/mms`, [Buffer.from('{"a":"'), Buffer.alloc(6000, 0x61), Buffer.from('"}')]);
    expect(res.status).to.equal(413);
    expect(JSON.parse(res.body)).to.include({ code: 'SNSGATE_BODY_TOO_LARGE' });
  });

  it('answers 415 for a body that is not JSON', async () => {
    const res = await t.fetch('/v1/send/mms', { method: 'POST', headers: { ...json, 'content-type': 'text/plain' }, body: 'hello' });
    expect(res.status).to.equal(415);
    const body = await problem(res);
    expect(body.code).to.equal('SNSGATE_CONTENT_TYPE_UNSUPPORTED');
    expect(body.detail).to.include('text/plain');
  });

  it('answers 404 problem+json for an unknown route', async () => {
    const res = await t.fetch('/no/such/route');
    expect(res.status).to.equal(404);
    expect((await problem(res)).code).to.equal('SNSGATE_ROUTE_NOT_FOUND');
  });

  it('answers 405 with Allow for a wrong method', async () => {
    const res = await t.fetch('/v1/send/mms', { method: 'GET', headers: json });
    expect(res.status).to.equal(405);
    expect(res.headers.get('allow')).to.include('POST');
    expect((await problem(res)).code).to.equal('SNSGATE_METHOD_NOT_ALLOWED');
  });

  it('answers /health in the tutorial shape', async () => {
    const res = await t.fetch('/health');
    const body = (await res.json()) as { status: string; timestamp: string };
    expect(res.status).to.equal(200);
    expect(body.status).to.equal('UP');
    expect(Number.isNaN(Date.parse(body.timestamp))).to.equal(false);
  });

  it('answers /healthz and /readyz with each readiness check', async () => {
    expect((await t.fetch('/healthz')).status).to.equal(200);
    const res = await t.fetch('/readyz');
    const body = (await res.json()) as { checks: { name: string; ok: boolean }[] };
    expect(res.status).to.equal(200);
    expect(body.checks.map((c) => c.name)).to.include.members(['config', 'templates', 'messageLog']);
  });

  it('echoes a given X-Request-Id and writes it in every log line of the request', async () => {
    const res = await t.fetch('/v1/send/mms', { method: 'POST', headers: { ...json, 'x-request-id': 'req-edge-1' }, body: mmsBody });
    expect(res.status).to.equal(202);
    expect(res.headers.get('x-request-id')).to.equal('req-edge-1');
    const mine = t.logs().filter((l) => l.requestId === 'req-edge-1');
    expect(mine.map((l) => l.message)).to.include.members(['accepted', 'request']);
    const access = mine.find((l) => l.message === 'request');
    expect(access).to.include({ route: '/v1/send/:template', status: 202, method: 'POST', template: 'mms', keyName: 'API_KEY' });
  });

  it('makes a request id when none (or a malformed one) is given', async () => {
    const res = await t.fetch('/healthz', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(res.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
  });

  it('never logs the API key, and masks phone numbers', async () => {
    await t.fetch('/v1/send/mms', { method: 'POST', headers: json, body: mmsBody });
    const text = JSON.stringify(t.logs());
    expect(text).to.not.include(key);
    expect(text).to.not.include('2065550123');
  });

  it('serves /metrics as Prometheus text with the HTTP histogram labelled by route template', async () => {
    await t.fetch('/v1/templates/mms', { headers: json });
    const res = await t.fetch('/metrics');
    const text = await res.text();
    expect(res.headers.get('content-type')).to.include('text/plain');
    expect(text).to.match(/snsgate_http_request_duration_seconds_bucket\{[^}]*route="\/v1\/templates\/:template"[^}]*\}/);
    expect(text).to.not.include('route="/v1/templates/mms"');
    expect(text).to.include('snsgate_process_resident_memory_bytes');
  });
});
