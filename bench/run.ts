// npm run bench [-- --rounds 3 --duration 4 --connections 32 --only sync,queued,drain --quick --soak]
// Builds snsgate, starts the local SNS server, the baselines and snsgate (node dist/main.js with
// bench/snsgate.yaml and a temp SQLite file), measures them alternately and prints a table; the
// figures and every round go to bench/results/<date>.json. bench/README.md says what each scenario means.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseOptions, type BenchOptions } from './lib/options.js';
import { repoRoot, sampleMemory } from './lib/processes.js';
import { renderReport, type ScenarioReport } from './lib/report.js';
import { startStack, type SnsgateVariant, type Stack } from './lib/stack.js';
import { drainScenario } from './scenarios/drain.js';
import { memoryReport, soakScenario, type PhaseMemory } from './scenarios/memory.js';
import { queuedPhase } from './scenarios/queued-phase.js';
import { syncOutage, syncPipeline, tutorialRoute } from './scenarios/sync-phase.js';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** What the machine is and how busy it was (other test runs skew every figure). */
function machine(): Record<string, unknown> {
  const cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  return { nproc: availableParallelism(), cpu, node: process.version, platform: `${process.platform} ${process.arch}` };
}

function busyness(): { loadavg: number[]; otherTestProcesses: string[] } {
  const found = spawnSync('pgrep', ['-fa', 'mocha'], { encoding: 'utf8' });
  const others = found.stdout.split('\n').filter((l) => l.trim() !== '' && !l.includes('pgrep'));
  return { loadavg: loadavg().map((l) => Math.round(l * 100) / 100), otherTestProcesses: others };
}

/** Runs one phase on its own snsgate, sampling its memory. */
async function phase<T>(stack: Stack, variant: SnsgateVariant, memory: PhaseMemory[], work: (gate: Awaited<ReturnType<Stack['startSnsgate']>>) => Promise<T>): Promise<T> {
  log(`phase ${variant.name}: starting snsgate (orders delivery ${variant.delivery}, outbound limit ${variant.messagesPerSecond ?? 0}/s)`);
  // The SNS server's records start empty each phase (it keeps at most 200,000).
  await stack.fake.reset();
  const gate = await stack.startSnsgate(variant);
  const sampler = sampleMemory(gate.handle.pid);
  try {
    return await work(gate);
  } finally {
    memory.push({ phase: variant.name, peakMb: Math.round(sampler.stop().peakMb * 10) / 10 });
    await gate.stop();
  }
}

async function runAll(stack: Stack, options: BenchOptions): Promise<ScenarioReport[]> {
  if (options.soak) return [await soakScenario(stack, options, log)];
  const reports: ScenarioReport[] = [];
  const memory: PhaseMemory[] = [];
  if (options.only.includes('sync')) {
    await phase(stack, { name: 'sync', delivery: 'sync' }, memory, async (gate) => {
      log('1. sync pipeline');
      reports.push(await syncPipeline(stack, gate, options, log));
      log('2. tutorial route');
      reports.push(await tutorialRoute(stack, gate, options, log));
      log('4a. outage, sync');
      reports.push(await syncOutage(stack, gate, options, log));
    });
  }
  if (options.only.includes('queued')) {
    await phase(stack, { name: 'queued', delivery: 'queued' }, memory, async (gate) => {
      log('3. queued ingest, then 4b. outage, queued');
      reports.push(...(await queuedPhase(stack, gate, options, log)));
    });
  }
  if (options.only.includes('drain')) {
    await phase(stack, { name: 'drain', delivery: 'queued', messagesPerSecond: options.drainRate }, memory, async (gate) => {
      log('5. drain');
      reports.push(await drainScenario(stack, gate, options, log));
    });
  }
  reports.push(memoryReport(memory));
  return reports.sort((a, b) => a.id.localeCompare(b.id));
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const startedAt = new Date();
  const before = busyness();
  log(`snsgate bench ${startedAt.toISOString()}: ${JSON.stringify(machine())}`);
  log(`load average ${before.loadavg.join(' ')}; other test processes: ${before.otherTestProcesses.length}`);
  log('building snsgate (npm run build)');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: 'inherit' });
  const stack = await startStack();
  let reports: ScenarioReport[];
  try {
    reports = await runAll(stack, options);
  } finally {
    await stack.stop();
  }
  const after = busyness();
  const minutes = (Date.now() - startedAt.getTime()) / 60_000;
  process.stdout.write(`${renderReport(reports)}\n\n`);
  const results = {
    date: startedAt.toISOString(),
    machine: machine(),
    quiet: { before, after },
    options,
    minutes: Math.round(minutes * 10) / 10,
    figures: reports.flatMap((r) => r.figures),
    scenarios: reports,
  };
  const missed = results.figures.filter((f) => f.met === false);
  process.stdout.write(`${results.figures.filter((f) => f.met !== undefined).length - missed.length} targets met, ${missed.length} missed; ${results.minutes} min\n`);
  if (options.write) {
    const dir = join(repoRoot, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${startedAt.toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}${options.soak ? '-soak' : ''}.json`);
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`results: ${file}\n`);
  }
}

await main();
