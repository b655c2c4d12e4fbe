// The chart's Grafana dashboard: the checked-in JSON is the generated one, every query names only
// metrics the registries export, and every query is valid PromQL (promtool checks them wrapped as
// recording rules, with Grafana's variables replaced by values).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../harness/processes.ts';
import { DASHBOARD_FILE, dashboardExpressions, renderDashboard } from './ensign-dashboard.ts';
import { ensignNamesIn, unknownNames } from './promql-names.ts';
import { prometheusToolsDir, promtool } from './prometheus-tools.ts';

interface Panel {
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: { expr: string; datasource?: { uid: string } }[];
}
interface Dashboard {
  panels: Panel[];
  templating: { list: { name: string; type: string; query: unknown; definition?: string }[] };
}

let dashboard: Dashboard;

beforeAll(async () => {
  await prometheusToolsDir();
  dashboard = JSON.parse(await readFile(DASHBOARD_FILE, 'utf8')) as Dashboard;
}, 300_000);

/** Grafana's variables as Prometheus would see them once Grafana substituted them. */
function substituted(expr: string): string {
  return expr.replaceAll('$__rate_interval', '1m').replaceAll('$namespace', '.*');
}

describe('Grafana dashboard', () => {
  it('is the generated one (node test/src/observability/ensign-dashboard.ts --write)', () => {
    expect(dashboard).toEqual(renderDashboard());
  });

  it('takes its data source from a ${datasource} variable in every panel and query', () => {
    expect(dashboard.templating.list.find((v) => v.name === 'datasource')).toMatchObject({
      type: 'datasource',
      query: 'prometheus',
    });
    const panels = dashboard.panels.filter((p) => p.type !== 'row');
    expect(panels.length).toBeGreaterThan(20);
    for (const panel of panels) {
      expect(panel.datasource?.uid, panel.title).toBe('${datasource}');
      for (const target of panel.targets ?? [])
        expect(target.datasource?.uid, panel.title).toBe('${datasource}');
    }
  });

  it('covers operator health, propagation, evaluations, staleness and authentication', () => {
    const names = new Set(dashboardExpressions(dashboard).flatMap(ensignNamesIn));
    for (const name of [
      'ensign_operator_leader',
      'ensign_operator_reconciles_total',
      'ensign_operator_workqueue_depth',
      'ensign_operator_propagation_seconds_bucket',
      'ensign_sidecar_evaluations_total',
      'ensign_sidecar_evaluation_duration_seconds_bucket',
      'ensign_sidecar_ruleset_staleness_seconds',
      'ensign_sidecar_auth_results_total',
    ])
      expect(names).toContain(name);
  });

  it('queries only metrics the operator and sidecar export', async () => {
    const variableQueries = dashboard.templating.list.flatMap((v) =>
      v.definition === undefined ? [] : [v.definition],
    );
    expect(await unknownNames([...dashboardExpressions(dashboard), ...variableQueries])).toEqual([]);
  });

  it('has only valid PromQL (promtool check rules over them as recording rules)', async () => {
    const exprs = dashboardExpressions(dashboard);
    const file = join(await tempDir('dashboard-rules'), 'dashboard.rules.yaml');
    await writeFile(
      file,
      stringify({
        groups: [
          {
            name: 'dashboard',
            rules: exprs.map((expr, i) => ({
              record: `ensign:dashboard_query_${i}`,
              expr: substituted(expr),
            })),
          },
        ],
      }),
    );
    const result = await promtool(['check', 'rules', file]);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toContain(`SUCCESS: ${exprs.length} rules found`);
  });

  it('is rejected by the same check when a query is broken (the check can fail)', async () => {
    const file = join(await tempDir('dashboard-rules'), 'broken.rules.yaml');
    await writeFile(
      file,
      stringify({
        groups: [{ name: 'x', rules: [{ record: 'ensign:broken', expr: 'sum by (le (rate(x[1m]))' }] }],
      }),
    );
    const result = await promtool(['check', 'rules', file]);
    expect(result.code).not.toBe(0);
  });
});
