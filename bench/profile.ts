// Profiles snsgate's hot path: starts the local SNS server and snsgate (node --cpu-prof dist/main.js),
// loads it, stops it (the profile is written at exit) and prints self time by function and by file,
// and inclusive time by file.
//   npx tsx bench/profile.ts [--workload sync|queued|tutorial|outage] [--duration 10] [--connections 32] [--out dir]
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runLoad, sendMany } from './lib/load.js';
import { tutorialRequest, waitForMetric } from './lib/contenders.js';
import { repoRoot } from './lib/processes.js';
import { startStack } from './lib/stack.js';
import { summariseProfile, type ProfileEntry } from './lib/summarise-profile.js';
import { createWebhookFeed } from './lib/webhooks.js';

const { values } = parseArgs({
  options: {
    workload: { type: 'string', default: 'sync' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '32' },
    out: { type: 'string', default: join(tmpdir(), 'snsgate-profiles') },
    top: { type: 'string', default: '25' },
  },
});
const workload = values.workload;
if (!['sync', 'queued', 'tutorial', 'outage'].includes(workload)) throw new Error('--workload is sync, queued, tutorial or outage');
const durationS = Number(values.duration);
const connections = Number(values.connections);
const outDir = join(values.out, `${new Date().toISOString().replace(/:/g, '-')}-${workload}`);
mkdirSync(outDir, { recursive: true });

execFileSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: 'inherit' });
const stack = await startStack();
try {
  const gate = await stack.startSnsgate({
    name: `profile-${workload}`,
    delivery: workload === 'queued' ? 'queued' : 'sync',
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${outDir}`],
  });
  const feed = createWebhookFeed(stack.secret, '/webhooks/order-shipped', 'prof');
  const tutorial = tutorialRequest(stack.apiKey);
  const next = workload === 'tutorial' ? () => tutorial : feed.next;
  const expect = workload === 'tutorial' || workload === 'sync' ? [200] : workload === 'queued' ? [202] : [503];
  if (workload === 'outage') {
    await stack.fake.hang();
    feed.presign(40);
    await sendMany(gate.url, 40, 40, feed.next);
    await waitForMetric(() => gate.metric('snsgate_breaker_state'), 2, 20_000);
  }
  feed.presign(durationS * 12_000);
  const warm = await runLoad({ url: gate.url, connections, durationS: 2, expect, next });
  const result = await runLoad({ url: gate.url, connections, durationS, expect, next });
  process.stdout.write(`${workload}: warm-up ${Math.round(warm.rps)}/s; measured ${Math.round(result.rps)}/s p50 ${result.p50Ms} ms p99 ${result.p99Ms} ms ${JSON.stringify(result.statuses)}\n`);
  await gate.stop();
  const file = readdirSync(outDir).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no profile written in ${outDir}`);
  const summary = summariseProfile(join(outDir, file), repoRoot, Number(values.top));
  const table = (title: string, entries: readonly ProfileEntry[]): string =>
    [`\n${title}`, ...entries.map((e) => `${String(e.ms).padStart(9)} ms ${String(e.percent).padStart(5)} %  ${e.name}`)].join('\n');
  process.stdout.write(`profile ${join(outDir, file)}: ${summary.totalMs} ms sampled, ${summary.idleMs} ms idle\n`);
  process.stdout.write(`${table('self time by function', summary.selfByFunction)}\n${table('self time by file/package', summary.selfByFile)}\n`);
  process.stdout.write(`${table('inclusive time by file/package', summary.totalByFile)}\n`);
  process.stdout.write(`${table('inclusive time of snsgate functions', summary.totalByOwnFunction)}\n`);
} finally {
  await stack.stop();
}
