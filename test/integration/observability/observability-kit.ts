import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

/** Paths of the shipped observability files, from the repository root (not the working directory). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const alertRulesPath = `${repoRoot}config/prometheus/snsgate-alerts.yml`;
export const alertTestsPath = `${repoRoot}config/prometheus/snsgate-alerts.test.yml`;
export const dashboardPath = `${repoRoot}config/grafana/snsgate-dashboard.json`;
export const runbookPath = `${repoRoot}README.md`;

// ---------------------------------------------------------------------------------------------------
// Prometheus text format

/** One sample line of a scrape. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** One metric family: its `# TYPE`, `# HELP` and samples (histogram samples keep their suffixes). */
export interface Family {
  readonly name: string;
  type: string;
  help: string;
  readonly samples: Sample[];
}

const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
const unescape = (s: string): string => s.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
const histogramSuffixes = ['_bucket', '_sum', '_count'] as const;

function parseValue(text: string): number {
  const lower = text.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === '+inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  return Number(text);
}

/** Parses the Prometheus text exposition format (0.0.4) into families by name. */
export function parsePromText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const family = (name: string): Family => {
    let f = families.get(name);
    if (f === undefined) {
      f = { name, type: 'untyped', help: '', samples: [] };
      families.set(name, f);
    }
    return f;
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const meta = /^# (TYPE|HELP) (\S+) ?(.*)$/.exec(line);
    if (meta !== null) {
      const [, kind, name = '', rest = ''] = meta;
      if (kind === 'TYPE') family(name).type = rest.trim();
      else family(name).help = rest;
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (sample === null) throw new Error(`not a sample line: ${line}`);
    const [, name = '', labelText = '', value = ''] = sample;
    const labels: Record<string, string> = {};
    for (const m of labelText.matchAll(labelPair)) labels[m[1] ?? ''] = unescape(m[2] ?? '');
    family(familyOf(name, families) ?? name).samples.push({ name, labels, value: parseValue(value) });
  }
  return families;
}

/** The family a metric or sample name belongs to: itself, or a histogram/summary without its suffix. */
export function familyOf(name: string, families: ReadonlyMap<string, Family>): string | undefined {
  if (families.has(name)) return name;
  for (const suffix of histogramSuffixes) {
    if (!name.endsWith(suffix)) continue;
    const base = name.slice(0, -suffix.length);
    const type = families.get(base)?.type;
    if (type === 'histogram' || type === 'summary') return base;
  }
  return undefined;
}

/** The sum of the samples named `name` whose labels include `labels` (0 when none). */
export function sampleValue(families: ReadonlyMap<string, Family>, name: string, labels: Readonly<Record<string, string>> = {}): number {
  const f = families.get(familyOf(name, families) ?? name);
  if (f === undefined) return 0;
  return f.samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

/** Label names seen on a family's samples (histograms: without `le`). */
export function labelNamesOf(f: Family): Set<string> {
  const names = new Set<string>();
  for (const s of f.samples) for (const k of Object.keys(s.labels)) if (k !== 'le' && k !== 'quantile') names.add(k);
  return names;
}

// ---------------------------------------------------------------------------------------------------
// PromQL, loosely

/** Labels Prometheus adds at scrape time (target labels), and histogram bucket labels. */
export const targetLabels = new Set(['job', 'instance']);

/** Identifiers starting with `snsgate_` in an expression (label values in quotes are skipped). */
export function snsgateNamesIn(expr: string): string[] {
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return [...new Set(withoutStrings.match(/\bsnsgate_[a-zA-Z0-9_:]*/g) ?? [])];
}

/** Each `metric{matchers}` selector of an expression with the label names its matchers use. */
export function selectorsIn(expr: string): { metric: string; labels: string[]; text: string }[] {
  const out: { metric: string; labels: string[]; text: string }[] = [];
  for (const m of expr.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{((?:[^}"]|"(?:[^"\\]|\\.)*")*)\}/g)) {
    const matchers = (m[2] ?? '').replace(/"(?:[^"\\]|\\.)*"/g, '""');
    const labels = [...matchers.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)].map((l) => l[1] ?? '');
    out.push({ metric: m[1] ?? '', labels, text: m[0] });
  }
  return out;
}

/** Label names in `by (…)` and `without (…)` clauses. */
export function groupingLabelsIn(expr: string): string[] {
  const out: string[] = [];
  for (const m of expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)) {
    out.push(...(m[1] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== ''));
  }
  return out;
}

/** A dashboard expression made plain PromQL: Grafana's interval and range macros and `$variables` replaced. */
export function withoutGrafanaVariables(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '5m')
    .replaceAll('$__interval', '1m')
    .replaceAll('$__range', '1h')
    .replace(/\$\{?[a-zA-Z_][a-zA-Z0-9_]*\}?/g, '.*');
}

// ---------------------------------------------------------------------------------------------------
// The shipped files

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

interface RuleFile {
  readonly groups: readonly { readonly name: string; readonly rules: readonly (AlertRule | { record: string; expr: string })[] }[];
}

/** The alerting rules of config/prometheus/snsgate-alerts.yml. */
export function loadAlertRules(): AlertRule[] {
  const file = parseYaml(readFileSync(alertRulesPath, 'utf8')) as RuleFile;
  return file.groups.flatMap((g) => g.rules.filter((r): r is AlertRule => 'alert' in r));
}

export interface AlertTestCase {
  readonly eval_time: string;
  readonly alertname: string;
  readonly exp_alerts?: readonly { exp_labels?: Record<string, string>; exp_annotations?: Record<string, string> }[] | null;
}

/** The `alert_rule_test` cases of config/prometheus/snsgate-alerts.test.yml. */
export function loadAlertTests(): AlertTestCase[] {
  const file = parseYaml(readFileSync(alertTestsPath, 'utf8')) as { tests: readonly { alert_rule_test?: readonly AlertTestCase[] }[] };
  return file.tests.flatMap((t) => t.alert_rule_test ?? []);
}

export interface DatasourceRef {
  readonly type?: string;
  readonly uid?: string;
}

export interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly datasource?: DatasourceRef;
  readonly gridPos: { h: number; w: number; x: number; y: number };
  readonly targets?: readonly { expr?: string; refId: string; datasource?: DatasourceRef }[];
  readonly fieldConfig?: { defaults?: { mappings?: readonly { type: string; options: Record<string, { text?: string }> }[] } };
  readonly panels?: readonly Panel[];
}

export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly schemaVersion: number;
  readonly panels: readonly Panel[];
  readonly templating: { list: readonly { type: string; name: string; query?: unknown; datasource?: DatasourceRef; definition?: string }[] };
  readonly annotations: { list: readonly { name: string; expr?: string; datasource?: DatasourceRef; builtIn?: number }[] };
}

/** config/grafana/snsgate-dashboard.json, parsed. */
export function loadDashboard(): Dashboard {
  return JSON.parse(readFileSync(dashboardPath, 'utf8')) as Dashboard;
}

/** Every panel, rows' nested (collapsed) panels included. */
export function allPanels(d: Dashboard): Panel[] {
  return d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** Every PromQL expression of the dashboard with where it is: panel targets, annotations, variable queries. */
export function dashboardExpressions(d: Dashboard): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  for (const p of allPanels(d)) {
    for (const t of p.targets ?? []) if (t.expr !== undefined) out.push({ where: `panel ${p.id} "${p.title}" ${t.refId}`, expr: t.expr });
  }
  for (const a of d.annotations.list) if (a.expr !== undefined) out.push({ where: `annotation "${a.name}"`, expr: a.expr });
  for (const v of d.templating.list) {
    if (v.type !== 'query') continue;
    const query = typeof v.query === 'string' ? v.query : (v.query as { query?: string } | undefined)?.query ?? '';
    // label_values(<selector>, <label>): the selector is PromQL.
    const inner = /^label_values\((.*),\s*[a-zA-Z_][a-zA-Z0-9_]*\)$/.exec(query.trim())?.[1];
    if (inner !== undefined) out.push({ where: `variable $${v.name}`, expr: inner });
  }
  return out;
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function githubSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of every heading in a markdown file. */
export function markdownAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) inFence = !inFence;
    const m = inFence ? null : /^#{1,6}\s+(.+?)\s*#*$/.exec(line);
    if (m !== null) anchors.add(githubSlug(m[1] ?? ''));
  }
  return anchors;
}

// ---------------------------------------------------------------------------------------------------
// Traffic against a running test service

/** An example payload of a shipped template, as raw bytes. */
export function templateExample(template: string, example: string): string {
  return readFileSync(`${repoRoot}templates/${template}/examples/${example}.json`, 'utf8');
}

/** Waits until `check` holds, polling; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
