import type { BenchOptions } from './options.js';
import type { WindowCpu } from './load.js';
import { cpuTimeMs, memoryOf } from './processes.js';
import { median } from './stats.js';
import type { Row } from './report.js';

/** What any measurement reports: served per second and latency percentiles. */
export interface Measurement {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Served answers (or publishes) in the window. */
  readonly served: number;
  /** CPU time the server (or loop) process used per served answer, ms: a cost that CPU contention does not skew. */
  readonly cpuMsPerReq?: number;
  /** CPU ms per served answer of the other processes of the bench (SNS server, load generator). */
  readonly cpuOthersMsPerReq?: Readonly<Record<string, number>>;
  /** CPU time over the timed window only, when the measurement took it (HTTP load). */
  readonly windowCpu?: WindowCpu;
}

/** Other processes whose CPU time is worth reporting beside each measurement (the SNS server). */
export const watchedProcesses = new Map<string, number>();

/** A server or loop measured in turn with others. */
export interface Contender<M extends Measurement = Measurement> {
  readonly name: string;
  /** The process whose CPU time is charged to this contender. */
  readonly pid?: number;
  measure(durationS: number): Promise<M>;
  /** Run before each measurement, untimed (wait for a backlog to drain, pre-sign requests…). */
  before?(): Promise<void>;
}

/**
 * Warms every contender up once, then measures them in turn, A B C A B C …, `rounds` times, so
 * drift in the machine's speed hits all of them alike. Returns each contender's rounds in order.
 */
export async function alternate(
  contenders: readonly Contender[],
  options: BenchOptions,
  log: (line: string) => void,
  { warmUp = true }: { warmUp?: boolean } = {},
): Promise<Map<string, Measurement[]>> {
  const results = new Map<string, Measurement[]>(contenders.map((c) => [c.name, []]));
  for (const c of warmUp ? contenders : []) {
    await c.before?.();
    const m = await c.measure(options.warmupS);
    log(`  warm-up ${c.name}: ${Math.round(m.rps)}/s`);
  }
  for (let round = 1; round <= options.rounds; round++) {
    for (const c of contenders) {
      await c.before?.();
      const m = await measureWithCpu(c, options.durationS);
      results.get(c.name)?.push(m);
      const cpu = m.cpuMsPerReq === undefined ? '' : ` cpu ${m.cpuMsPerReq.toFixed(3)} ms/req`;
      const rss = c.pid === undefined ? undefined : memoryOf(c.pid)?.rssMb;
      const others = Object.entries(m.cpuOthersMsPerReq ?? {}).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ');
      log(`  round ${round} ${c.name}: ${Math.round(m.rps)}/s p50 ${m.p50Ms} ms p99 ${m.p99Ms} ms${cpu}${rss === undefined ? '' : ` rss ${Math.round(rss)} MB`}${others === '' ? '' : ` (cpu ms/req of ${others})`}`);
    }
  }
  return results;
}

/** Measures one contender, charging it the CPU time its process used meanwhile. */
export async function measureWithCpu<M extends Measurement>(c: Contender<M>, durationS: number): Promise<M> {
  const before = c.pid === undefined ? Number.NaN : cpuTimeMs(c.pid);
  const others = [...watchedProcesses].map(([name, pid]) => ({ name, pid, before: cpuTimeMs(pid) }));
  const driverBefore = process.cpuUsage();
  const m = await c.measure(durationS);
  if (m.served === 0) return m;
  const perReq = (ms: number): number => Math.round((ms / m.served) * 1000) / 1000;
  // HTTP contenders report CPU over their timed window (pre-signing excluded); the SDK loop is all window.
  const window = m.windowCpu;
  const driver = process.cpuUsage(driverBefore);
  const of = (pid: number, outerBefore: number): number => window?.byPid[pid] ?? cpuTimeMs(pid) - outerBefore;
  const used = c.pid === undefined ? Number.NaN : of(c.pid, before);
  const cpuOthersMsPerReq = {
    ...Object.fromEntries(others.map((o) => [o.name, perReq(of(o.pid, o.before))])),
    'load generator': perReq(window?.loadGenerator ?? (driver.user + driver.system) / 1000),
  };
  return { ...m, ...(Number.isFinite(used) ? { cpuMsPerReq: perReq(used) } : {}), cpuOthersMsPerReq };
}

/** The table row of one contender: medians over its rounds. */
export function rowOf(name: string, rounds: readonly Measurement[], extra?: string): Row {
  const names = [...new Set(rounds.flatMap((m) => Object.keys(m.cpuOthersMsPerReq ?? {})))];
  const others = names.map((n) => `${n} ${median(rounds.map((m) => m.cpuOthersMsPerReq?.[n] ?? Number.NaN)).toFixed(3)}`).join(', ');
  const notes = [extra, others === '' ? undefined : `other CPU ms/req: ${others}`].filter((x) => x !== undefined);
  return {
    target: name,
    rps: median(rounds.map((m) => m.rps)),
    p50Ms: median(rounds.map((m) => m.p50Ms)),
    p99Ms: median(rounds.map((m) => m.p99Ms)),
    cpuMsPerReq: median(rounds.map((m) => m.cpuMsPerReq ?? Number.NaN)),
    ...(notes.length === 0 ? {} : { extra: notes.join('; ') }),
  };
}
