import { expect } from 'chai';
import { requirePromtool, runPromtool } from '../../helpers/promtool.js';
import { signWebhook, testSecrets } from '../../helpers/sign-webhook.js';
import { startTestService, testEnv, type TestService } from '../../helpers/test-service.js';
import {
  dashboardExpressions,
  familyOf,
  groupingLabelsIn,
  labelNamesOf,
  loadAlertRules,
  loadDashboard,
  parsePromText,
  sampleValue,
  selectorsIn,
  snsgateNamesIn,
  targetLabels,
  templateExample,
  waitFor,
  type Family,
} from './observability-kit.js';

/**
 * Lint findings on metrics snsgate does not name: prom-client's default Node.js gauges end in
 * `_total` (https://github.com/siimon/prom-client/issues/466). Anything else promtool reports fails.
 */
const promClientDefaultsLint = new Map([
  ['snsgate_nodejs_active_handles_total', 'non-counter metrics should not have "_total" suffix'],
  ['snsgate_nodejs_active_requests_total', 'non-counter metrics should not have "_total" suffix'],
  ['snsgate_nodejs_active_resources_total', 'non-counter metrics should not have "_total" suffix'],
]);

const apiHeaders = { 'content-type': 'application/json', 'x-api-key': testEnv.API_KEY ?? '' };
const mmsBody = JSON.stringify({ phoneNumber: '+12065550123', messageBody: 'x', mediaUrl: 'https://example.com/a.png' });

async function scrapeText(t: TestService): Promise<string> {
  const res = await t.fetch('/metrics');
  expect(res.status).to.equal(200);
  expect(res.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

/** A little of every kind of traffic: health checks, a queued API send, webhooks good and bad, a 404. */
async function sendTraffic(t: TestService): Promise<void> {
  for (const path of ['/health', '/healthz', '/readyz', '/no-such-route']) await t.fetch(path);
  expect((await t.fetch('/v1/send/mms', { method: 'POST', headers: apiHeaders, body: mmsBody })).status).to.equal(202);
  const shipped = templateExample('order-shipped', 'ups-two-items');
  const signed = (body: string, secret: string, id: string) =>
    signWebhook('standard-webhooks', body, { secret, id }).then((h) => ({ 'content-type': 'application/json', ...h }));
  const current = testSecrets['standard-webhooks'].current;
  const post = async (body: string, secret: string, id: string) =>
    (await t.fetch('/webhooks/order-shipped', { method: 'POST', headers: await signed(body, secret, id), body })).status;
  expect(await post(shipped, current, 'msg-lint-ok')).to.equal(202);
  expect(await post(shipped, testSecrets['standard-webhooks'].retired, 'msg-lint-bad-signature')).to.equal(401);
  expect(await post(templateExample('order-shipped', 'invalid-tracking-url-not-https'), current, 'msg-lint-invalid')).to.equal(422);
  await waitFor('the queued messages to be sent (dry-run)', async () => {
    const f = parsePromText(await scrapeText(t));
    return sampleValue(f, 'snsgate_messages_total', { status: 'sent' }) >= 2;
  });
}

interface UsedExpression {
  readonly where: string;
  readonly expr: string;
}

function usedExpressions(): UsedExpression[] {
  return [
    ...dashboardExpressions(loadDashboard()).map((e) => ({ where: `dashboard ${e.where}`, expr: e.expr })),
    ...loadAlertRules().map((r) => ({ where: `alert ${r.alert}`, expr: r.expr })),
  ];
}

/** Problems with one expression: unknown metric names, label matchers or groupings no referenced family has. */
function problemsOf(used: UsedExpression, families: ReadonlyMap<string, Family>, unverified: Set<string>): string[] {
  const problems: string[] = [];
  const referenced: Family[] = [];
  for (const name of snsgateNamesIn(used.expr)) {
    const family = familyOf(name, families);
    if (family === undefined) problems.push(`${used.where}: ${name} is not in a scrape of the running app`);
    else referenced.push(families.get(family) as Family);
  }
  for (const s of selectorsIn(used.expr)) {
    const familyName = familyOf(s.metric, families);
    if (familyName === undefined) continue;
    const family = families.get(familyName) as Family;
    if (family.samples.length === 0) {
      unverified.add(familyName);
      continue;
    }
    const known = new Set([...labelNamesOf(family), ...targetLabels, ...(s.metric.endsWith('_bucket') ? ['le'] : [])]);
    for (const label of s.labels) if (!known.has(label)) problems.push(`${used.where}: ${s.text} uses label "${label}", which ${familyName} does not have`);
  }
  if (referenced.length > 0 && referenced.every((f) => f.samples.length > 0)) {
    const known = new Set([...referenced.flatMap((f) => [...labelNamesOf(f)]), ...targetLabels, 'le']);
    for (const label of groupingLabelsIn(used.expr)) {
      if (!known.has(label)) problems.push(`${used.where}: groups by "${label}", which none of ${referenced.map((f) => f.name).join(', ')} has`);
    }
  }
  return problems;
}

describe('GET /metrics of the running service', function () {
  this.timeout(30_000);
  let t: TestService;
  let text: string;
  let families: Map<string, Family>;

  before(async () => {
    t = await startTestService();
    await sendTraffic(t);
    text = await scrapeText(t);
    families = parsePromText(text);
  });
  after(async () => {
    await t?.close();
  });

  it('passes promtool check metrics (no lint problems on snsgate metrics)', async function () {
    const promtool = requirePromtool(this);
    const result = await runPromtool(promtool, ['check', 'metrics'], { stdin: text });
    const findings = result.output.split('\n').filter((l) => l.trim() !== '');
    const ours = findings.filter((line) => {
      const [name = '', ...rest] = line.split(' ');
      return promClientDefaultsLint.get(name) !== rest.join(' ');
    });
    const ignored = findings.length - ours.length;
    if (ignored > 0) console.log(`      (ignored ${ignored} known lint findings on prom-client's default Node.js gauges)`);
    expect(ours, ours.join('\n')).to.deep.equal([]);
    // Exit 0 = clean; 3 = lint findings only (all of them known). Anything else is a parse error.
    expect([0, 3], result.output).to.include(result.code);
    if (result.code === 3) expect(ignored).to.be.greaterThan(0);
  });

  it('names every metric snsgate_ with HELP and TYPE, and bounded label values', () => {
    for (const f of families.values()) {
      expect(f.name, 'prefix').to.match(/^snsgate_/);
      expect(f.help, `${f.name} HELP`).to.not.equal('');
      expect(['counter', 'gauge', 'histogram', 'summary'], `${f.name} TYPE`).to.include(f.type);
      if (f.type === 'counter') expect(f.name, 'counter suffix').to.match(/_total$/);
      for (const s of f.samples) {
        for (const [label, value] of Object.entries(s.labels)) {
          expect(value, `${s.name}{${label}} looks like a phone number`).to.not.match(/\+?\d{7,}/);
          expect(value, `${s.name}{${label}} looks like an id`).to.not.match(/[0-9a-f]{8}-[0-9a-f]{4}|msg-lint/i);
        }
      }
    }
    const routes = new Set(families.get('snsgate_http_request_duration_seconds')?.samples.map((s) => s.labels.route));
    expect([...routes]).to.include.members(['/webhooks/:template', '/v1/send/:template', 'unmatched']);
    expect([...routes].filter((r) => r?.includes('order-shipped') === true || r === '/no-such-route'), 'raw paths as labels').to.deep.equal([]);
  });

  it('exposes every metric the dashboard and the alert rules use, with the labels they use', () => {
    const unverified = new Set<string>();
    const problems = usedExpressions().flatMap((used) => problemsOf(used, families, unverified));
    if (unverified.size > 0) console.log(`      (labels not checked, no samples yet: ${[...unverified].sort().join(', ')})`);
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it('reports the snsgate metrics that no dashboard panel or alert uses', () => {
    const dashboardNames = new Set<string>();
    const alertNames = new Set<string>();
    for (const { where, expr } of usedExpressions()) {
      for (const name of snsgateNamesIn(expr)) (where.startsWith('alert') ? alertNames : dashboardNames).add(familyOf(name, families) ?? name);
    }
    const unused = [...families.keys()].filter((n) => !dashboardNames.has(n)).sort();
    const unalerted = [...families.keys()].filter((n) => n.startsWith('snsgate_') && !/^snsgate_(process|nodejs)_/.test(n) && !alertNames.has(n)).sort();
    console.log(`      metrics on no dashboard panel (${unused.length}): ${unused.join(', ') || 'none'}`);
    console.log(`      snsgate metrics in no alert rule (${unalerted.length}): ${unalerted.join(', ') || 'none'}`);
    // Every metric snsgate itself defines (not the Node.js defaults) is on the dashboard.
    expect(unused.filter((n) => !/^snsgate_(process|nodejs)_/.test(n))).to.deep.equal([]);
  });
});
