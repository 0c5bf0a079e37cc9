import { expect } from 'chai';
import type { FakeSns } from '../../helpers/fake-sns-server.js';
import { startTestService, useServiceOnFakeSns, type TestService } from '../../helpers/test-service.js';
import { freshUsNumber, jsonAnswer, postJson, publishedTo, smsTypeOf, tutorialKey } from './api-kit.js';

/** The request body of the tutorial's documented curl, byte for byte. */
const documentedBody = `{
  "phoneNumber": "+12065551234",
  "messageBody": "Check out this cool picture!",
  "mediaUrl": "https://via.placeholder.com/150.png"
}`;

const tutorialHeaders = { 'Content-Type': 'application/json', 'x-api-key': tutorialKey };

/** The tutorial's `message_logs` columns, as `GET /v1/messages` shows a row. */
interface LogRow {
  readonly id: string;
  readonly recipient: string;
  readonly body: string;
  readonly mediaUrl: string | null;
  readonly snsMessageId: string | null;
  readonly status: string;
  readonly error: { code: string; message: string } | null;
  readonly submittedAt: string;
  readonly updatedAt: string;
}

/** The message log rows of one recipient, newest first, through the message API. */
async function logRowsOf(t: TestService, phone: string): Promise<LogRow[]> {
  const res = await t.fetch(`/v1/messages?template=mms&recipient=${encodeURIComponent(phone)}`, { headers: { 'x-api-key': tutorialKey } });
  return (await jsonAnswer<{ messages: LogRow[] }>(res, 200)).messages;
}

function send(t: TestService, body: unknown, headers: Record<string, string> = tutorialHeaders): Promise<Response> {
  return postJson(t, '/api/mms/send', body, headers);
}

describe('POST /api/mms/send', () => {
  let sns: FakeSns;
  let t: TestService;

  useServiceOnFakeSns({}, (running) => ({ sns, t } = running));
  afterEach(() => sns.clearFaults());

  it("answers the tutorial's documented curl with its success shape and the SNS MessageId, and sends messageBody, a newline and mediaUrl as Transactional", async () => {
    const before = publishedTo(sns, '+12065551234').length;
    const res = await send(t, documentedBody);
    const body = await jsonAnswer<Record<string, unknown>>(res, 200);
    expect(res.headers.get('content-type')).to.match(/^application\/json/);
    const sent = publishedTo(sns, '+12065551234').slice(before);
    expect(sent).to.have.length(1);
    expect(body).to.deep.equal({
      success: true,
      message: 'Message submitted to SNS successfully.',
      phoneNumber: '+12065551234',
      messageId: sent[0]?.messageId,
    });
    expect(sent[0]?.message).to.equal('Check out this cool picture!\nhttps://via.placeholder.com/150.png');
    expect(sent[0] && smsTypeOf(sent[0])).to.equal('Transactional');
  });

  it("writes a message log row with the tutorial's columns for an accepted send", async () => {
    const phone = freshUsNumber();
    const res = await send(t, { phoneNumber: phone, messageBody: 'Your table is ready', mediaUrl: 'https://cdn.example.com/t/12.jpg' });
    const { messageId } = await jsonAnswer<{ messageId: string }>(res, 200);
    const rows = await logRowsOf(t, phone);
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({
      recipient: phone,
      body: 'Your table is ready\nhttps://cdn.example.com/t/12.jpg',
      mediaUrl: 'https://cdn.example.com/t/12.jpg',
      snsMessageId: messageId,
      status: 'sent',
      error: null,
    });
    expect(Date.parse(rows[0]?.submittedAt ?? '')).to.not.be.NaN;
    expect(Date.parse(rows[0]?.updatedAt ?? '')).to.not.be.NaN;
  });

  const refusals: { what: string; headers: Record<string, string>; body: unknown; status: number; answer: Record<string, unknown> }[] = [
    {
      what: 'the API key is missing',
      headers: { 'Content-Type': 'application/json' },
      body: documentedBody,
      status: 401,
      answer: { error: 'Unauthorized: Invalid API Key' },
    },
    {
      what: 'the API key is wrong',
      headers: { ...tutorialHeaders, 'x-api-key': 'YOUR_SECURE_API_KEY_FOR_THIS_SERVICE' },
      body: documentedBody,
      status: 401,
      answer: { error: 'Unauthorized: Invalid API Key' },
    },
    {
      what: 'phoneNumber is missing',
      headers: tutorialHeaders,
      body: { messageBody: 'Check out this cool picture!', mediaUrl: 'https://via.placeholder.com/150.png' },
      status: 400,
      answer: { error: 'Bad Request: Missing required fields phoneNumber or mediaUrl.' },
    },
    {
      what: 'mediaUrl is missing',
      headers: tutorialHeaders,
      body: { phoneNumber: '+12065551234', messageBody: 'Check out this cool picture!' },
      status: 400,
      answer: { error: 'Bad Request: Missing required fields phoneNumber or mediaUrl.' },
    },
    {
      what: 'the phone number is not E.164',
      headers: tutorialHeaders,
      body: { phoneNumber: '206-555-1234', messageBody: 'Hi', mediaUrl: 'https://via.placeholder.com/150.png' },
      status: 400,
      answer: { success: false, error: 'Bad Request: Invalid phone number format. Use E.164 format (e.g., +12125551234).' },
    },
    {
      what: 'the media URL is not http(s)',
      headers: tutorialHeaders,
      body: { phoneNumber: '+12065551234', messageBody: 'Hi', mediaUrl: 'ftp://files.example.com/150.png' },
      status: 400,
      answer: { success: false, error: 'Bad Request: Invalid media URL. Must be a valid HTTP/HTTPS URL.' },
    },
  ];

  for (const refusal of refusals) {
    it(`answers ${refusal.status} in the tutorial's exact shape and sends nothing when ${refusal.what}`, async () => {
      const before = sns.requestCount('Publish');
      const res = await send(t, refusal.body, refusal.headers);
      expect(await jsonAnswer<Record<string, unknown>>(res, refusal.status)).to.deep.equal(refusal.answer);
      expect(res.headers.get('content-type')).to.match(/^application\/json/);
      expect(sns.requestCount('Publish')).to.equal(before);
    });
  }

  for (const [what, messageBody] of [
    ['absent', undefined],
    ['empty', ''],
    ['null', null],
  ] as const) {
    it(`sends a space, a newline and the media URL when messageBody is ${what} (the tutorial's messageBody || ' ')`, async () => {
      const phone = freshUsNumber();
      const res = await send(t, { phoneNumber: phone, ...(messageBody === undefined ? {} : { messageBody }), mediaUrl: 'https://media.example.com/clip.mp4' });
      const { messageId } = await jsonAnswer<{ messageId: string }>(res, 200);
      const [published] = publishedTo(sns, phone);
      expect(published?.messageId).to.equal(messageId);
      expect(published?.message).to.equal(' \nhttps://media.example.com/clip.mp4');
    });
  }

  it("answers 500 in the tutorial's shape with SNS's error when SNS refuses the message, and logs the row as failed", async () => {
    const phone = freshUsNumber();
    sns.setFault({ kind: 'error', code: 'InvalidParameter', message: 'Invalid parameter: Message too long' }, { times: 1 });
    const res = await send(t, { phoneNumber: phone, messageBody: 'Hi', mediaUrl: 'https://via.placeholder.com/150.png' });
    expect(await jsonAnswer<Record<string, unknown>>(res, 500)).to.deep.equal({
      success: false,
      error: 'Internal Server Error: Failed to send message via SNS. SNS Publish Error: Invalid parameter: Message too long',
    });
    const [row] = await logRowsOf(t, phone);
    expect(row).to.include({ status: 'failed', snsMessageId: null, recipient: phone });
    expect(row?.error).to.deep.equal({ code: 'InvalidParameterException', message: 'Invalid parameter: Message too long' });
  });

  it("replays the tutorial's server-error example (an invalid security token) with its exact answer", async () => {
    sns.setFault({ kind: 'error', code: 'InvalidClientTokenId', status: 403, message: 'The security token included in the request is invalid.' });
    const res = await send(t, documentedBody);
    expect(await jsonAnswer<Record<string, unknown>>(res, 500)).to.deep.equal({
      success: false,
      error: 'Internal Server Error: Failed to send message via SNS. SNS Publish Error: The security token included in the request is invalid.',
    });
  });
});

describe('POST /api/mms/send over the per-client rate limit', () => {
  let t: TestService;

  before(async () => {
    t = await startTestService({ config: { limits: { perClient: { points: 3, durationSeconds: 60 } } } });
  });
  after(async () => {
    await t.close();
  });

  it('answers 429 with Retry-After and the RateLimit headers once the client used up its window, and accepts nothing', async () => {
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await send(t, { phoneNumber: freshUsNumber(), messageBody: `#${i}`, mediaUrl: 'https://via.placeholder.com/150.png' });
      expect(res.status).to.equal(200);
      remaining.push(res.headers.get('ratelimit-remaining'));
    }
    expect(remaining).to.deep.equal(['2', '1', '0']);
    const phone = freshUsNumber();
    const res = await send(t, { phoneNumber: phone, messageBody: 'one too many', mediaUrl: 'https://via.placeholder.com/150.png' });
    const body = await jsonAnswer<{ success: boolean; error: string }>(res, 429);
    expect(body.success).to.equal(false);
    expect(body.error).to.match(/^Too Many Requests: /);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).to.be.within(1, 60);
    expect(res.headers.get('ratelimit-limit')).to.equal('3');
    expect(res.headers.get('ratelimit-remaining')).to.equal('0');
    expect(Number(res.headers.get('ratelimit-reset'))).to.be.within(1, 60);
    expect(res.headers.get('ratelimit-policy')).to.equal('3;w=60');
    expect((await t.service.store.list({ recipient: phone, limit: 10 })).messages).to.deep.equal([]);
  });
});

describe('POST /api/mms/send when the SNS circuit breaker is open', () => {
  let sns: FakeSns;
  let t: TestService;
  const resetTimeoutMs = 30_000;

  const publisher = { sns: { maxAttempts: 1 }, breaker: { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeoutMs } };
  useServiceOnFakeSns({ config: { publisher } }, (running) => ({ sns, t } = running));

  it('answers 503 with Retry-After without calling SNS once failures opened the breaker', async () => {
    sns.setFault({ kind: 'error', code: 'InternalError' });
    const body = { phoneNumber: '+12065551234', messageBody: 'status page', mediaUrl: 'https://status.example.com/chart.png' };
    for (let i = 0; i < 2; i++) {
      const res = await send(t, body);
      expect(res.status).to.be.at.least(500);
      expect(((await res.json()) as { success: boolean }).success).to.equal(false);
    }
    expect(t.service.delivery.state()).to.equal('open');
    const calls = sns.requestCount('Publish');

    const res = await send(t, body);
    const answer = await jsonAnswer<{ success: boolean; error: string }>(res, 503);
    expect(answer.success).to.equal(false);
    expect(answer.error).to.match(/^Service Unavailable: /);
    expect(Number(res.headers.get('retry-after'))).to.be.within(1, resetTimeoutMs / 1000);
    expect(sns.requestCount('Publish')).to.equal(calls);
  });
});
