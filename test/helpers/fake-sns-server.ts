import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The SNS actions the fake answers. */
export type SnsAction = 'Publish' | 'PublishBatch' | 'CheckIfPhoneNumberIsOptedOut';

/** One message attribute as it arrived on the wire. */
export interface FakeAttribute {
  readonly dataType: string;
  readonly value: string;
}

/** One message the fake accepted (a Publish, or one PublishBatch entry). */
export interface FakePublish {
  readonly action: 'Publish' | 'PublishBatch';
  readonly messageId: string;
  readonly phoneNumber?: string;
  readonly topicArn?: string;
  readonly message: string;
  readonly attributes: Record<string, FakeAttribute>;
  readonly messageGroupId?: string;
  readonly messageDeduplicationId?: string;
  readonly batchEntryId?: string;
  /** `Date.now()` when it arrived. */
  readonly at: number;
  /** The SDK's `amz-sdk-request: attempt=N` (1 = first try). */
  readonly attempt: number;
  readonly invocationId?: string;
}

/** One SNS request the fake saw, whatever it answered. */
export interface FakeRequest {
  readonly action: string;
  readonly attempt: number;
  readonly invocationId?: string;
  readonly at: number;
  readonly fault?: FakeFault['kind'];
}

/**
 * What to inject. `error` answers the SNS error XML (`Throttled` 429, `Throttling`/`ThrottlingException`
 * 400, `InternalError` 500, `InvalidParameter` 400, `AuthorizationError` 403…); `reset` destroys the
 * socket; `hang` never answers; `latency` delays the answer; `outage` resets every request until
 * cleared; `entry-error` fails the listed 0-based PublishBatch entries.
 */
export type FakeFault =
  | { readonly kind: 'error'; readonly code: string; readonly status?: number; readonly message?: string }
  | { readonly kind: 'latency'; readonly ms: number }
  | { readonly kind: 'reset' }
  | { readonly kind: 'hang' }
  | { readonly kind: 'outage' }
  | { readonly kind: 'entry-error'; readonly code: string; readonly entries: readonly number[]; readonly senderFault?: boolean };

/** Which requests a fault applies to: the next `times` (default: until cleared), of these actions (default: all). */
export interface FaultScope {
  readonly times?: number;
  readonly actions?: readonly string[];
}

/** A running fake: what it saw, and the knobs that change what it answers. */
export interface FakeSns {
  readonly url: string;
  /** Live list of accepted messages (up to `maxRecords`). */
  readonly published: FakePublish[];
  /** Live list of every SNS request seen (up to `maxRecords`). */
  readonly requests: FakeRequest[];
  requestCount(action?: SnsAction): number;
  /** TCP connections accepted (keep-alive reuse shows as fewer connections than requests). */
  connectionCount(): number;
  setFault(fault: FakeFault, scope?: FaultScope): void;
  clearFaults(): void;
  setOptedOut(phoneNumbers: readonly string[]): void;
  /** Forgets records, counters, faults and opted-out numbers. */
  reset(): void;
  close(): Promise<void>;
}

/** Where to listen and how much to remember. */
export interface FakeSnsOptions {
  readonly port?: number;
  readonly host?: string;
  /** Records kept in `published` and `requests`; counters go on beyond it. */
  readonly maxRecords?: number;
}

interface ActiveFault {
  readonly fault: FakeFault;
  remaining: number;
  readonly actions: ReadonlySet<string> | undefined;
}

const ns = 'http://sns.amazonaws.com/doc/2010-03-31/';
const statusByCode: Record<string, number> = {
  Throttled: 429,
  Throttling: 400,
  ThrottlingException: 400,
  KMSThrottling: 400,
  InternalError: 500,
  ServiceUnavailable: 503,
  AuthorizationError: 403,
  InvalidSecurity: 403,
  NotFound: 404,
};
const phonePattern = /^\+[1-9]\d{1,14}$/;
const maxSmsBytes = 1600;

const esc = (s: string): string =>
  s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);

class SnsFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function attributesOf(params: URLSearchParams, prefix: string): Record<string, FakeAttribute> {
  const out: Record<string, FakeAttribute> = {};
  for (let i = 1; ; i++) {
    const at = `${prefix}MessageAttributes.entry.${i}.`;
    const name = params.get(`${at}Name`);
    if (name === null) return out;
    const value = params.get(`${at}Value.StringValue`) ?? params.get(`${at}Value.BinaryValue`) ?? '';
    out[name] = { dataType: params.get(`${at}Value.DataType`) ?? '', value };
  }
}

const optional = <K extends string>(key: K, value: string | null): Partial<Record<K, string>> =>
  value === null ? {} : ({ [key]: value } as Record<K, string>);

/** Starts an SNS-compatible server (awsQuery in, XML out) with fault injection and an HTTP control API. */
export async function startFakeSns(options: FakeSnsOptions = {}): Promise<FakeSns> {
  const maxRecords = options.maxRecords ?? 100_000;
  const published: FakePublish[] = [];
  const requests: FakeRequest[] = [];
  const counts = new Map<string, number>();
  let faults: ActiveFault[] = [];
  let optedOut = new Set<string>();
  let requestSeq = 0;
  let connections = 0;

  function takeFaults(action: string): { latencyMs: number; terminal?: FakeFault; entryError?: FakeFault } {
    let latencyMs = 0;
    let terminal: FakeFault | undefined;
    let entryError: FakeFault | undefined;
    for (const active of faults) {
      if (active.actions !== undefined && !active.actions.has(action)) continue;
      const { fault } = active;
      if (fault.kind === 'latency') latencyMs += fault.ms;
      else if (fault.kind === 'entry-error') {
        if (action !== 'PublishBatch' || entryError !== undefined) continue;
        entryError = fault;
      } else if (terminal === undefined) terminal = fault;
      else continue;
      active.remaining -= 1;
    }
    faults = faults.filter((f) => f.remaining > 0);
    return { latencyMs, terminal, entryError };
  }

  function record<T>(list: T[], item: T): void {
    if (list.length < maxRecords) list.push(item);
  }

  function publishOne(params: URLSearchParams, prefix: string, base: Omit<FakePublish, 'message' | 'attributes' | 'messageId'>): FakePublish {
    const message = params.get(`${prefix}Message`);
    if (message === null) throw new SnsFailure('InvalidParameter', 'Invalid parameter: Message');
    const target = base.phoneNumber ?? base.topicArn;
    if (base.phoneNumber !== undefined && !phonePattern.test(base.phoneNumber)) {
      throw new SnsFailure('InvalidParameter', 'Invalid parameter: PhoneNumber Reason: not a valid E.164 number');
    }
    if (base.phoneNumber !== undefined && Buffer.byteLength(message) > maxSmsBytes) {
      throw new SnsFailure('InvalidParameter', 'Invalid parameter: Message too long');
    }
    if (target === undefined) throw new SnsFailure('InvalidParameter', 'Invalid parameter: TopicArn or TargetArn Reason: no value');
    const groupId = params.get(`${prefix}MessageGroupId`);
    if (base.topicArn?.endsWith('.fifo') === true && groupId === null) {
      throw new SnsFailure('InvalidParameter', 'Invalid parameter: The MessageGroupId parameter is required for FIFO topics');
    }
    const entry: FakePublish = {
      ...base,
      messageId: randomUUID(),
      message,
      attributes: attributesOf(params, prefix),
      ...optional('messageGroupId', groupId),
      ...optional('messageDeduplicationId', params.get(`${prefix}MessageDeduplicationId`)),
    };
    record(published, entry);
    return entry;
  }

  function answer(action: string, params: URLSearchParams, seen: FakeRequest, entryError: FakeFault | undefined): string {
    const base = { at: seen.at, attempt: seen.attempt, ...optional('invocationId', seen.invocationId ?? null) };
    if (action === 'Publish') {
      const phone = params.get('PhoneNumber');
      const topic = params.get('TopicArn') ?? params.get('TargetArn');
      if ((phone === null) === (topic === null)) throw new SnsFailure('InvalidParameter', 'Invalid parameter: give exactly one target');
      const p = publishOne(params, '', { action, ...base, ...optional('phoneNumber', phone), ...optional('topicArn', topic) });
      return `<PublishResult><MessageId>${p.messageId}</MessageId></PublishResult>`;
    }
    if (action === 'PublishBatch') return answerBatch(params, base, entryError);
    if (action === 'CheckIfPhoneNumberIsOptedOut') {
      const phone = params.get('phoneNumber') ?? '';
      if (!phonePattern.test(phone)) throw new SnsFailure('InvalidParameter', 'Invalid parameter: phoneNumber');
      return `<CheckIfPhoneNumberIsOptedOutResult><isOptedOut>${optedOut.has(phone)}</isOptedOut></CheckIfPhoneNumberIsOptedOutResult>`;
    }
    throw new SnsFailure('InvalidAction', `The action ${action} is not valid for this endpoint.`);
  }

  function answerBatch(params: URLSearchParams, base: Pick<FakePublish, 'at' | 'attempt' | 'invocationId'>, entryError: FakeFault | undefined): string {
    const topicArn = params.get('TopicArn');
    if (topicArn === null) throw new SnsFailure('InvalidParameter', 'Invalid parameter: TopicArn');
    const ids: string[] = [];
    for (let i = 1; params.has(`PublishBatchRequestEntries.member.${i}.Id`); i++) {
      ids.push(params.get(`PublishBatchRequestEntries.member.${i}.Id`) ?? '');
    }
    if (ids.length === 0) throw new SnsFailure('EmptyBatchRequest', 'The batch request does not contain any entries.');
    if (ids.length > 10) throw new SnsFailure('TooManyEntriesInBatchRequest', 'The batch request contains more entries than permissible.');
    if (new Set(ids).size !== ids.length) throw new SnsFailure('BatchEntryIdsNotDistinct', 'Two or more batch entries have the same Id.');
    let ok = '';
    let failed = '';
    ids.forEach((id, index) => {
      const prefix = `PublishBatchRequestEntries.member.${index + 1}.`;
      const fail = entryError?.kind === 'entry-error' && entryError.entries.includes(index) ? entryError : undefined;
      try {
        if (fail !== undefined) throw new SnsFailure(fail.code, `Injected failure of entry ${index}`);
        const p = publishOne(params, prefix, { action: 'PublishBatch', ...base, topicArn, batchEntryId: id });
        ok += `<member><Id>${esc(id)}</Id><MessageId>${p.messageId}</MessageId></member>`;
      } catch (err) {
        if (!(err instanceof SnsFailure)) throw err;
        const sender = fail?.senderFault ?? (statusByCode[err.code] ?? 400) < 500;
        failed += `<member><Id>${esc(id)}</Id><Code>${esc(err.code)}</Code><Message>${esc(err.message)}</Message><SenderFault>${sender}</SenderFault></member>`;
      }
    });
    return `<PublishBatchResult><Successful>${ok}</Successful><Failed>${failed}</Failed></PublishBatchResult>`;
  }

  function send(res: http.ServerResponse, status: number, body: string, requestId: string): void {
    res.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': requestId });
    res.end(body);
  }

  function sendError(res: http.ServerResponse, code: string, message: string, requestId: string, status?: number): void {
    const httpStatus = status ?? statusByCode[code] ?? 400;
    const type = httpStatus >= 500 ? 'Receiver' : 'Sender';
    const body = `<ErrorResponse xmlns="${ns}"><Error><Type>${type}</Type><Code>${esc(code)}</Code><Message>${esc(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    send(res, httpStatus, body, requestId);
  }

  function handleSns(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const params = new URLSearchParams(body);
    const action = params.get('Action') ?? '';
    const header = req.headers['amz-sdk-request'];
    const attempt = typeof header === 'string' ? Number(/attempt=(\d+)/.exec(header)?.[1] ?? 1) : 1;
    const invocation = req.headers['amz-sdk-invocation-id'];
    const { latencyMs, terminal, entryError } = takeFaults(action);
    const seen: FakeRequest = {
      action,
      attempt,
      at: Date.now(),
      ...(typeof invocation === 'string' ? { invocationId: invocation } : {}),
      ...(terminal === undefined ? {} : { fault: terminal.kind }),
    };
    record(requests, seen);
    counts.set(action, (counts.get(action) ?? 0) + 1);
    const requestId = `fake-${++requestSeq}`;
    const respond = (): void => {
      if (terminal?.kind === 'hang') return;
      if (terminal?.kind === 'reset' || terminal?.kind === 'outage') {
        req.socket.destroy();
        return;
      }
      if (terminal?.kind === 'error') {
        sendError(res, terminal.code, terminal.message ?? `Injected ${terminal.code}`, requestId, terminal.status);
        return;
      }
      try {
        const result = answer(action, params, seen, entryError);
        send(res, 200, `<${action}Response xmlns="${ns}">${result}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`, requestId);
      } catch (err) {
        if (!(err instanceof SnsFailure)) throw err;
        sendError(res, err.code, err.message, requestId);
      }
    };
    if (latencyMs > 0) setTimeout(respond, latencyMs);
    else respond();
  }

  function control(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const json = (status: number, value?: unknown): void => {
      const text = value === undefined ? '' : JSON.stringify(value);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    const route = `${req.method ?? ''} ${(req.url ?? '').split('?')[0] ?? ''}`;
    try {
      const input = (body === '' ? {} : JSON.parse(body)) as Record<string, unknown>;
      if (route === 'GET /__control/published') return json(200, { published });
      if (route === 'GET /__control/requests') return json(200, { requests });
      if (route === 'GET /__control/stats') {
        return json(200, { requests: Object.fromEntries(counts), published: published.length, connections });
      }
      if (route === 'POST /__control/fault') {
        fake.setFault(input.fault as FakeFault, input);
        return json(204);
      }
      if (route === 'DELETE /__control/fault') return (fake.clearFaults(), json(204));
      if (route === 'POST /__control/opted-out') return (fake.setOptedOut(input.phoneNumbers as string[]), json(204));
      if (route === 'POST /__control/reset') return (fake.reset(), json(204));
      return json(404, { error: `no control route ${route}` });
    } catch (err) {
      return json(400, { error: err instanceof Error ? err.message : String(err) });
    }
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (req.url?.startsWith('/__control/') === true) control(req, res, body);
      else handleSns(req, res, body);
    });
  });
  server.on('connection', () => connections++);
  // Longer than the SDK agent's idle sockets live, so a reused keep-alive socket is never closed under it.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const fake: FakeSns = {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    published,
    requests,
    requestCount: (action) => (action === undefined ? [...counts.values()].reduce((a, b) => a + b, 0) : (counts.get(action) ?? 0)),
    connectionCount: () => connections,
    setFault(fault, scope = {}) {
      if (!['error', 'latency', 'reset', 'hang', 'outage', 'entry-error'].includes(fault.kind)) {
        throw new Error(`unknown fault kind ${fault.kind}`);
      }
      const remaining = fault.kind === 'outage' ? Infinity : (scope.times ?? Infinity);
      faults.push({ fault, remaining, actions: scope.actions === undefined ? undefined : new Set(scope.actions) });
    },
    clearFaults() {
      faults = [];
    },
    setOptedOut(phoneNumbers) {
      optedOut = new Set(phoneNumbers);
    },
    reset() {
      published.length = 0;
      requests.length = 0;
      counts.clear();
      connections = 0;
      faults = [];
      optedOut = new Set();
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
  return fake;
}
