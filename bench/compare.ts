// A/B of two snsgate builds on one workload, alternating A B A B on the same SNS server, so a
// change in src/ is measured as a ratio that the machine's drift does not skew:
//   npm run build && mkdir -p node_modules/.cache/snsgate-bench && rm -rf node_modules/.cache/snsgate-bench/before \
//     && cp -r dist node_modules/.cache/snsgate-bench/before        # the build before the change
//   (make the change) && npm run build
//   npx tsx bench/compare.ts --a node_modules/.cache/snsgate-bench/before/main.js --b dist/main.js --workload sync
// Node flags per side, after the start script's own (a later V8 flag wins), to measure a flag:
//   npx tsx bench/compare.ts --a dist/main.js --a-node '--max-old-space-size=4096' --b dist/main.js
// Workloads: sync (signed webhooks, sync), queued (signed webhooks, 202; backlog drained between
// rounds), tutorial (POST /api/mms/send), outage (sync webhooks with the breaker open).
import { alternate, rowOf, type Contender } from './lib/alternate.js';
import { staticContender, tutorialRequest, waitForMetric, webhookContender } from './lib/contenders.js';
import { sendMany } from './lib/load.js';
import { parseOptions } from './lib/options.js';
import { renderReport } from './lib/report.js';
import { startStack, type SnsgateHandle } from './lib/stack.js';
import { pairedRatio } from './lib/stats.js';
import { createWebhookFeed } from './lib/webhooks.js';

// --a, --b, --a-node, --b-node and --workload are ours; the rest (--rounds, --duration, --warmup, --connections) as npm run bench takes them.
const own = new Set(['--a', '--b', '--workload', '--a-node', '--b-node']);
const picked = new Map<string, string>();
const rest: string[] = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i] ?? '';
  if (own.has(arg)) picked.set(arg, argv[++i] ?? '');
  else rest.push(arg);
}
const workload = picked.get('--workload') ?? 'sync';
const a = picked.get('--a');
if (a === undefined) throw new Error("--a <path to the other build's main.js> is required");
const builds = { A: a, B: picked.get('--b') ?? 'dist/main.js' };
const nodeArgs = (flag: string): string[] => (picked.get(flag) ?? '').split(/\s+/).filter((w) => w !== '');
const options = parseOptions(rest);
const log = (line: string): void => void process.stderr.write(`${line}\n`);

const stack = await startStack();
try {
  const delivery = workload === 'queued' ? 'queued' : 'sync';
  const gates: Record<'A' | 'B', SnsgateHandle> = {
    A: await stack.startSnsgate({ name: 'A', delivery, main: builds.A, nodeArgs: nodeArgs('--a-node') }),
    B: await stack.startSnsgate({ name: 'B', delivery, main: builds.B, nodeArgs: nodeArgs('--b-node') }),
  };
  const contender = async (which: 'A' | 'B'): Promise<Contender> => {
    const gate = gates[which];
    const name = `${which}: ${[...nodeArgs(`--${which.toLowerCase()}-node`), builds[which]].join(' ')}`;
    if (workload === 'tutorial') return staticContender(name, gate, tutorialRequest(stack.apiKey), options, [200]);
    const feed = createWebhookFeed(stack.secret, '/webhooks/order-shipped', `cmp${which}`);
    if (workload === 'outage') {
      await stack.fake.hang();
      feed.presign(40);
      await sendMany(gate.url, 40, 40, feed.next);
      await waitForMetric(() => gate.metric('snsgate_breaker_state'), 2, 20_000);
      return webhookContender(name, gate, feed, options, [503]);
    }
    const before =
      workload === 'queued'
        ? async () => {
            // Both builds' backlogs drained, so neither round pays for the other's dispatching.
            const pending = async (g: SnsgateHandle): Promise<number> => {
              const series = await g.metrics();
              return ['accepted', 'publishing', 'retrying'].reduce((n, s) => n + (series.get(`snsgate_message_log_depth{status="${s}"}`) ?? 0), 0);
            };
            for (const g of Object.values(gates)) {
              while ((await pending(g)) > 0) await new Promise((resolve) => setTimeout(resolve, 250));
            }
          }
        : undefined;
    return webhookContender(name, gate, feed, options, [workload === 'queued' ? 202 : 200], before === undefined ? {} : { before });
  };
  const [ca, cb] = [await contender('A'), await contender('B')];
  const results = await alternate([ca, cb], options, log);
  const ra = results.get(ca.name) ?? [];
  const rb = results.get(cb.name) ?? [];
  process.stdout.write(
    `${renderReport([
      {
        id: 'A/B',
        title: `${workload}: B against A (${options.rounds} rounds of ${options.durationS} s, ${options.connections} connections)`,
        rows: [rowOf(ca.name, ra), rowOf(cb.name, rb)],
        figures: [
          { scenario: 'compare', name: 'throughput B / A', value: pairedRatio(rb.map((m) => m.rps), ra.map((m) => m.rps)), unit: 'x' },
          { scenario: 'compare', name: 'CPU per request B / A', value: pairedRatio(rb.map((m) => m.cpuMsPerReq ?? Number.NaN), ra.map((m) => m.cpuMsPerReq ?? Number.NaN)), unit: 'x' },
          { scenario: 'compare', name: 'p99 B / A', value: pairedRatio(rb.map((m) => m.p99Ms), ra.map((m) => m.p99Ms)), unit: 'x' },
        ],
        notes: [],
        raw: {},
      },
    ])}\n`,
  );
} finally {
  await stack.fake.heal().catch(() => undefined);
  await stack.stop();
}
