import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { requirePromtool, runPromtool } from '../../helpers/promtool.js';
import {
  alertRulesPath,
  alertTestsPath,
  loadAlertRules,
  loadAlertTests,
  markdownAnchors,
  repoRoot,
  runbookPath,
} from './observability-kit.js';

const runbookBase = 'https://github.com/snsgate/snsgate#';
const severities = new Set(['critical', 'warning', 'info']);

/** What the brief promises an operator; each must exist (more are welcome). */
const requiredAlerts = [
  'SnsgateBreakerOpen',
  'SnsgatePublishErrorRatioHigh',
  'SnsgatePublishPermanentErrors',
  'SnsgateQueueAgeHigh',
  'SnsgateBacklogHigh',
  'SnsgateDeadMessages',
  'SnsgateFailedMessages',
  'SnsgateSignatureFailureSpike',
  'SnsgateValidationFailureSpike',
  'SnsgateRateLimited',
  'SnsgateMessagesBlocked',
  'SnsgateReloadFailed',
  'SnsgateTargetDown',
  'SnsgateHttp5xxRatioHigh',
  'SnsgateHttpLatencyHigh',
];

describe('config/prometheus/snsgate-alerts.yml', () => {
  const rules = loadAlertRules();
  const names = [...new Set(rules.map((r) => r.alert))];

  it('passes promtool check rules', async function () {
    const promtool = requirePromtool(this);
    const result = await runPromtool(promtool, ['check', 'rules', alertRulesPath]);
    expect(result.code, result.output).to.equal(0);
    expect(result.output).to.match(/SUCCESS: \d+ rules found/);
  });

  it('passes its unit tests (promtool test rules snsgate-alerts.test.yml)', async function () {
    const promtool = requirePromtool(this);
    const result = await runPromtool(promtool, ['test', 'rules', alertTestsPath], { cwd: repoRoot });
    expect(result.code, result.output).to.equal(0);
    expect(result.output).to.include('SUCCESS');
  });

  it('has every alert an operator needs', () => {
    expect(names).to.include.members(requiredAlerts);
  });

  it('gives every alert a severity, a summary, a description with its value and a runbook link', () => {
    for (const rule of rules) {
      const where = `alert ${rule.alert}`;
      expect(severities, `${where}: severity`).to.include(rule.labels?.severity);
      expect(rule.annotations?.summary, `${where}: summary`).to.be.a('string').that.is.not.empty;
      expect(rule.annotations?.description, `${where}: description`).to.be.a('string').that.matches(/\{\{ *\$(value|labels)/);
      expect(rule.annotations?.runbook_url, `${where}: runbook_url`).to.equal(`${runbookBase}alert-${rule.alert.toLowerCase()}`);
    }
  });

  it('links every alert to a section of README.md, and documents no alert that does not exist', () => {
    const markdown = readFileSync(runbookPath, 'utf8');
    const anchors = markdownAnchors(markdown);
    for (const name of names) expect(anchors, `README.md needs a heading "Alert: ${name}"`).to.include(`alert-${name.toLowerCase()}`);
    const documented = [...markdown.matchAll(/^#{2,4} Alert: (\S+)\s*$/gm)].map((m) => m[1]);
    expect(names).to.include.members(documented);
  });

  it('has a promtool case where each alert fires and one where it must stay silent', () => {
    const cases = loadAlertTests();
    for (const name of names) {
      const own = cases.filter((c) => c.alertname === name);
      expect(own.some((c) => (c.exp_alerts ?? []).length > 0), `${name}: a case where it fires`).to.equal(true);
      expect(own.some((c) => (c.exp_alerts ?? []).length === 0), `${name}: a case where it does not fire`).to.equal(true);
      for (const c of own) {
        for (const a of c.exp_alerts ?? []) {
          expect(a.exp_labels?.severity, `${name} at ${c.eval_time}: expected severity`).to.be.a('string');
          expect(a.exp_annotations?.runbook_url, `${name} at ${c.eval_time}: expected annotations`).to.be.a('string');
        }
      }
    }
    // A case naming an alert that does not exist would pass vacuously.
    expect(names).to.include.members([...new Set(cases.map((c) => c.alertname))]);
  });

  it('never divides without a volume guard or a comparison that NaN fails', () => {
    for (const rule of rules) {
      if (!rule.expr.replace(/"[^"]*"/g, '""').includes('/')) continue;
      // Every ratio is compared with a threshold (0/0 = NaN matches no comparison) and ANDed with a minimum volume.
      expect(rule.expr, `${rule.alert}: ratio without a minimum-volume guard`).to.match(/\)\s*>\s*[\d.]+\s*and\s/);
    }
  });
});
