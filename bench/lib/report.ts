import { round } from './stats.js';

/** A target a figure is held to. */
export interface Target {
  readonly op: '>=' | '<=' | '==';
  readonly value: number;
}

/** One reported figure (a ratio, a latency, a rate…), with its target when it has one. */
export interface Figure {
  readonly scenario: string;
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly target?: Target;
  readonly met?: boolean;
  readonly note?: string;
}

/** One row of a scenario's table: a server or loop measured over several rounds (medians). */
export interface Row {
  readonly target: string;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** CPU ms of the server (or loop) process per served answer; NaN when not measured. */
  readonly cpuMsPerReq: number;
  readonly extra?: string;
}

/** What a scenario reports: its table rows, its figures and its raw rounds. */
export interface ScenarioReport {
  readonly id: string;
  readonly title: string;
  readonly rows: Row[];
  readonly figures: Figure[];
  readonly notes: string[];
  readonly raw: Record<string, unknown>;
}

/** A figure with `met` worked out from its target. */
export function figure(scenario: string, name: string, value: number, unit: string, target?: Target, note?: string): Figure {
  const met =
    target === undefined || !Number.isFinite(value)
      ? undefined
      : target.op === '>='
        ? value >= target.value
        : target.op === '<='
          ? value <= target.value
          : value === target.value;
  return {
    scenario,
    name,
    value,
    unit,
    ...(target === undefined ? {} : { target, met: met ?? false }),
    ...(note === undefined ? {} : { note }),
  };
}

const pad = (text: string, width: number, right = false): string => (right ? text.padStart(width) : text.padEnd(width));
const num = (v: number, digits = 0): string => (Number.isFinite(v) ? round(v, digits).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');

/** The tables printed at the end of a run. */
export function renderReport(reports: readonly ScenarioReport[]): string {
  const out: string[] = [];
  for (const r of reports) {
    out.push('', `${r.id}. ${r.title}`);
    if (r.rows.length > 0) {
      out.push(`  ${pad('measured (median of rounds)', 56)}${pad('req/s', 9, true)}${pad('p50 ms', 9, true)}${pad('p99 ms', 9, true)}${pad('CPU ms/req', 12, true)}`);
      for (const row of r.rows) {
        const cells = `${pad(num(row.rps), 9, true)}${pad(num(row.p50Ms, 1), 9, true)}${pad(num(row.p99Ms, 1), 9, true)}${pad(num(row.cpuMsPerReq, 3), 12, true)}`;
        out.push(`  ${pad(row.target, 56)}${cells}${row.extra === undefined ? '' : `  ${row.extra}`}`);
      }
    }
    for (const f of r.figures) {
      const digits = f.unit === 'x' ? 2 : f.unit === 'ms' || f.unit === 'MB' || f.unit === '%' ? 1 : 0;
      const target = f.target === undefined ? '' : `  target ${f.target.op} ${f.target.value}${f.unit === 'x' ? 'x' : ` ${f.unit}`}  ${f.met === true ? 'MET' : 'MISSED'}`;
      out.push(`  → ${pad(f.name, 52)}${pad(`${num(f.value, digits)}${f.unit === 'x' ? 'x' : ` ${f.unit}`}`, 14, true)}${target}${f.note === undefined ? '' : `  (${f.note})`}`);
    }
    for (const n of r.notes) out.push(`  · ${n}`);
  }
  return out.join('\n');
}
