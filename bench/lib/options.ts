import { parseArgs } from 'node:util';

/** How long and how hard the bench runs; every knob has a default for `npm run bench`. */
export interface BenchOptions {
  readonly rounds: number;
  readonly durationS: number;
  readonly warmupS: number;
  readonly connections: number;
  /** The outbound rate limit of the drain scenario (messages per second). */
  readonly drainRate: number;
  /** Messages accepted during the outage of the drain scenario. */
  readonly backlog: number;
  readonly soak: boolean;
  readonly soakMinutes: number;
  /** Offered rate of the soak's sync slices (queued slices at half of it). */
  readonly soakRate: number;
  /** Phases to run: sync (1, 2, 4 sync), queued (3, 4 queued), drain (5); memory is always reported. */
  readonly only: readonly string[];
  readonly write: boolean;
}

const phases = ['sync', 'queued', 'drain'];

/** Parses the command line (`npm run bench -- --rounds 5 --duration 8`, `--quick`, `--soak`). */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rounds: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string', default: '32' },
      'drain-rate': { type: 'string', default: '500' },
      backlog: { type: 'string', default: '5000' },
      soak: { type: 'boolean', default: false },
      'soak-minutes': { type: 'string', default: '10' },
      'soak-rate': { type: 'string', default: '600' },
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      'no-write': { type: 'boolean', default: false },
    },
  });
  const quick = values.quick;
  const int = (v: string | undefined, fallback: number): number => {
    const n = Number(v ?? fallback);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`expected a positive number, got ${String(v)}`);
    return n;
  };
  const only = values.only === undefined ? phases : values.only.split(',').map((s) => s.trim());
  for (const p of only) if (!phases.includes(p)) throw new Error(`--only takes ${phases.join(', ')}; got ${p}`);
  return {
    rounds: int(values.rounds, quick ? 1 : 3),
    durationS: int(values.duration, quick ? 2 : 4),
    warmupS: int(values.warmup, quick ? 1 : 2),
    connections: int(values.connections, 32),
    drainRate: int(values['drain-rate'], 500),
    backlog: int(values.backlog, quick ? 1500 : 5000),
    soak: values.soak,
    soakMinutes: int(values['soak-minutes'], 10),
    soakRate: int(values['soak-rate'], 600),
    only,
    write: !values['no-write'],
  };
}
