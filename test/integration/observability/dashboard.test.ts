import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { stringify as toYaml } from 'yaml';
import { requirePromtool, runPromtool } from '../../helpers/promtool.js';
import { allPanels, dashboardExpressions, loadDashboard, selectorsIn, withoutGrafanaVariables, type DatasourceRef } from './observability-kit.js';

const datasourceRef = '${datasource}';
const usesVariable = (ref: DatasourceRef | undefined): boolean => ref?.uid === datasourceRef || ref?.uid === '$datasource';

describe('config/grafana/snsgate-dashboard.json', () => {
  const dashboard = loadDashboard();
  const panels = allPanels(dashboard);
  const queried = panels.filter((p) => p.type !== 'row');

  it('is an importable dashboard of schemaVersion 39 or later with a stable uid', () => {
    expect(dashboard.schemaVersion).to.be.at.least(39);
    expect(dashboard.uid).to.equal('snsgate');
    expect(dashboard.title).to.be.a('string').that.is.not.empty;
    expect(queried.length).to.be.greaterThan(20);
  });

  it('has a Prometheus data source variable, and job and instance variables queried through it', () => {
    const vars = dashboard.templating.list;
    const ds = vars.find((v) => v.name === 'datasource');
    expect(ds?.type).to.equal('datasource');
    expect(ds?.query).to.equal('prometheus');
    for (const name of ['job', 'instance']) {
      const v = vars.find((x) => x.name === name);
      expect(v?.type, `$${name}`).to.equal('query');
      expect(usesVariable(v?.datasource), `$${name} data source`).to.equal(true);
    }
  });

  it('points every panel, query and annotation at the data source variable', () => {
    for (const p of panels) {
      expect(usesVariable(p.datasource), `panel ${p.id} "${p.title}"`).to.equal(true);
      for (const t of p.targets ?? []) expect(usesVariable(t.datasource), `panel ${p.id} "${p.title}" ${t.refId}`).to.equal(true);
    }
    for (const a of dashboard.annotations.list) {
      if (a.builtIn === 1) continue;
      expect(usesVariable(a.datasource), `annotation "${a.name}"`).to.equal(true);
    }
  });

  it('filters every snsgate series by the $job and $instance variables', () => {
    for (const { where, expr } of dashboardExpressions(dashboard)) {
      for (const s of selectorsIn(expr)) {
        if (!s.metric.startsWith('snsgate_') && s.metric !== 'up') continue;
        if (where.startsWith('variable')) continue;
        expect(s.text, where).to.include('job=~"$job"').and.to.include('instance=~"$instance"');
      }
    }
  });

  it('lays panels out on the 24-column grid with unique ids and no overlaps', () => {
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size, 'unique panel ids').to.equal(ids.length);
    for (const p of panels) expect(p.gridPos.x + p.gridPos.w, `panel ${p.id} width`).to.be.at.most(24);
    for (const [i, a] of dashboard.panels.entries()) {
      for (const b of dashboard.panels.slice(i + 1)) {
        const overlap =
          a.gridPos.x < b.gridPos.x + b.gridPos.w &&
          b.gridPos.x < a.gridPos.x + a.gridPos.w &&
          a.gridPos.y < b.gridPos.y + b.gridPos.h &&
          b.gridPos.y < a.gridPos.y + a.gridPos.h;
        expect(overlap, `panels ${a.id} "${a.title}" and ${b.id} "${b.title}" overlap`).to.equal(false);
      }
    }
  });

  it('shows the breaker state as closed, half-open and open', () => {
    const breakerPanels = queried.filter((p) => (p.targets ?? []).some((t) => t.expr?.includes('snsgate_breaker_state') === true));
    expect(breakerPanels.length).to.be.at.least(1);
    for (const p of breakerPanels) {
      const texts = (p.fieldConfig?.defaults?.mappings ?? []).flatMap((m) => Object.entries(m.options).map(([value, o]) => `${value}=${o.text ?? ''}`));
      expect(texts, `panel ${p.id} "${p.title}" value mappings`).to.include.members(['0=closed', '1=half-open', '2=open']);
    }
  });

  it('has the panels an on-call person needs', () => {
    const exprs = dashboardExpressions(dashboard).map((e) => e.expr).join('\n');
    for (const needed of [
      /sum by \(route, status\) \(rate\(snsgate_http_request_duration_seconds_count/,
      /sum by \(outcome\) \(rate\(snsgate_webhooks_received_total/,
      /sum by \(source, reason\) \(rate\(snsgate_signature_failures_total/,
      /sum by \(template\) \(rate\(snsgate_validation_failures_total/,
      /histogram_quantile\(0\.99, sum by \(le\) \(rate\(snsgate_sns_publish_duration_seconds_bucket/,
      /sum by \(outcome, error\) \(rate\(snsgate_sns_publishes_total/,
      /snsgate_breaker_events_total/,
      /max by \(status\) \(snsgate_message_log_depth/,
      /snsgate_message_log_oldest_due_age_seconds/,
      /sum by \(outcome\) \(rate\(snsgate_dispatch_attempts_total/,
      /sum by \(status\) \(rate\(snsgate_messages_total/,
      /sum by \(template, encoding\) \(rate\(snsgate_sms_segments_total/,
      /snsgate_rate_limited_total/,
      /snsgate_messages_blocked_total/,
      /snsgate_process_resident_memory_bytes/,
      /snsgate_process_cpu_seconds_total/,
      /snsgate_nodejs_eventloop_lag_p99_seconds/,
    ]) {
      expect(exprs).to.match(needed);
    }
  });

  it('has only expressions that parse as PromQL (promtool check rules, as recording rules)', async function () {
    const promtool = requirePromtool(this);
    // promtool 2.x has no offline PromQL check of its own (`promtool query` needs a server), but
    // `check rules` parses every rule's expression: each dashboard query becomes a recording rule.
    const rules = dashboardExpressions(dashboard).map(({ expr }, i) => ({
      record: `snsgate_dashboard:expr_${i}`,
      expr: withoutGrafanaVariables(expr),
    }));
    const dir = mkdtempSync(join(tmpdir(), 'snsgate-dashboard-'));
    try {
      const file = join(dir, 'dashboard-rules.yml');
      writeFileSync(file, toYaml({ groups: [{ name: 'snsgate-dashboard', rules }] }));
      const result = await runPromtool(promtool, ['check', 'rules', file]);
      expect(result.code, result.output).to.equal(0);
      expect(result.output).to.include(`SUCCESS: ${rules.length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
