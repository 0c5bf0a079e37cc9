import autocannon, { type AutocannonRequest } from 'autocannon';
import { cpuTimeMs } from './processes.js';
import { round, summarise } from './stats.js';

/** One HTTP request as the load generator sends it. */
export interface HttpRequestSpec {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** One timed load run against one server. */
export interface LoadSpec {
  readonly url: string;
  readonly connections: number;
  readonly durationS: number;
  /** Statuses that count as served (throughput and latencies are of these only). */
  readonly expect: readonly number[];
  /** The next request to send; called once per request, so each can be distinct. */
  readonly next: () => HttpRequestSpec;
  /** Response bodies of expected statuses, when the caller needs them (ids for accounting). */
  readonly onBody?: (status: number, body: string) => void;
  /** Seconds before a request counts as timed out. */
  readonly timeoutS?: number;
  /** Offered load (requests per second over all connections) instead of as fast as answered. */
  readonly rate?: number;
  /** Processes whose CPU time to take over the timed window only (the server, the SNS server). */
  readonly watch?: readonly number[];
}

/** CPU time (ms) used during the timed window: by each watched process, and by the load generator. */
export interface WindowCpu {
  readonly byPid: Readonly<Record<number, number>>;
  readonly loadGenerator: number;
}

/** What one load run measured. */
export interface LoadResult {
  /** Served (expected-status) responses per second. */
  readonly rps: number;
  readonly served: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Responses by status, expected ones included. */
  readonly statuses: Record<string, number>;
  readonly errors: number;
  readonly timeouts: number;
  readonly durationS: number;
  /** Set by the caller that knows the server's process (CPU ms per served answer). */
  readonly cpuMsPerReq?: number;
  readonly windowCpu?: WindowCpu;
}

/**
 * Runs autocannon for `durationS` with `connections` keep-alive connections. Latencies are taken
 * from every response event (sub-millisecond, expected statuses only), not autocannon's 2xx histogram,
 * so a 503 answer (the breaker's) can be measured too.
 */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const expected = new Set(spec.expect);
  const request: AutocannonRequest = {
    setupRequest: (base) => {
      const r = spec.next();
      return { ...base, method: r.method, path: r.path, headers: r.headers, ...(r.body === undefined ? {} : { body: r.body }) };
    },
    ...(spec.onBody === undefined
      ? {}
      : {
          onResponse: (status: number, body: string) => {
            if (expected.has(status)) spec.onBody?.(status, body);
          },
        }),
  };
  const watch = spec.watch ?? [];
  const cpuBefore = watch.map(cpuTimeMs);
  const ownBefore = process.cpuUsage();
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationS,
    timeout: spec.timeoutS ?? 10,
    ...(spec.rate === undefined ? {} : { overallRate: spec.rate }),
    requests: [request],
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (expected.has(status)) latencies.push(ms);
  });
  const result = await instance;
  const own = process.cpuUsage(ownBefore);
  const windowCpu: WindowCpu = {
    byPid: Object.fromEntries(watch.map((pid, i) => [pid, cpuTimeMs(pid) - (cpuBefore[i] ?? Number.NaN)])),
    loadGenerator: (own.user + own.system) / 1000,
  };
  const latency = summarise(latencies);
  return {
    rps: round(latencies.length / result.duration, 1),
    served: latencies.length,
    ...latency,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    durationS: result.duration,
    windowCpu,
  };
}

/** Sends `count` requests with `connections` in parallel (no timing), for setting up a state. */
export async function sendMany(url: string, count: number, connections: number, next: () => HttpRequestSpec, onBody?: (status: number, body: string) => void): Promise<Record<string, number>> {
  const statuses: Record<string, number> = {};
  let left = count;
  const worker = async (): Promise<void> => {
    while (left > 0) {
      left -= 1;
      const r = next();
      const res = await fetch(`${url}${r.path}`, { method: r.method, headers: r.headers, ...(r.body === undefined ? {} : { body: r.body }) });
      const body = await res.text();
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      onBody?.(res.status, body);
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  return statuses;
}
