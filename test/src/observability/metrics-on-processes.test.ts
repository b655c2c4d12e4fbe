// The real binaries' /metrics: a dir-mode operator and its sidecar (after real evaluations), and a
// Kubernetes-mode operator on the shared API server. Each exposition passes `promtool check
// metrics`, holds only families the catalog (and so docs/observability.md) knows, with the same
// type and help, and a real Prometheus scraping all three sees the key series.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installCrds } from '../cluster/install-crds.ts';
import { useControlPlane } from '../cluster/use-control-plane.ts';
import {
  booleanFlagYaml,
  kubectlOk,
  metricValue,
  operatorKubeconfig,
  startClusterOperator,
  uniqueLeaseName,
  type ClusterOperator,
} from '../harness/cluster-operator.ts';
import { freePort, tempDir, waitFor } from '../harness/processes.ts';
import { booleanOf, variantOf } from '../harness/rest.ts';
import { startLocalSystem, type LocalSystem } from '../harness/system.ts';
import { defaultMetricNames, metricCatalog, type MetricFamily } from './metric-catalog.ts';
import { prometheusToolsDir, promtool, startPrometheus, type RunningPrometheus } from './prometheus-tools.ts';

let local: LocalSystem;
let cluster: ClusterOperator;
let prometheus: RunningPrometheus | undefined;
let clusterNamespace: string;

const scrape = async (port: number): Promise<string> =>
  (await fetch(`http://127.0.0.1:${port}/metrics`)).text();

beforeAll(async () => {
  await prometheusToolsDir(); // installs promtool and Prometheus on a fresh machine
  local = await startLocalSystem(['--namespaces=default,shop', '--metrics-flag-keys=payments-enabled']);
  for (let i = 0; i < 5; i++) {
    expect((await booleanOf(local.httpUrl, 'payments-enabled')).status).toBe(200);
    expect((await variantOf(local.httpUrl, 'checkout-button', { plan: 'free' })).status).toBe(200);
  }
  expect((await booleanOf(local.httpUrl, 'no-such-flag')).status).toBe(404);

  const plane = await useControlPlane();
  await installCrds(plane);
  const kubeconfig = await operatorKubeconfig(plane);
  clusterNamespace = await plane.createNamespace('obs');
  await kubectlOk(
    plane,
    ['apply', '-f', '-'],
    booleanFlagYaml('observed', clusterNamespace, { enabled: true }),
  );
  cluster = await startClusterOperator({
    kubeconfig,
    watchNamespaces: [clusterNamespace],
    leaseName: uniqueLeaseName(),
  });
  await waitFor(
    'the cluster operator leads',
    async () => ((await metricValue(cluster.ports.ops, 'ensign_operator_leader')) === 1 ? true : undefined),
    30_000,
  );
}, 300_000);

afterAll(async () => {
  await prometheus?.stop();
  await Promise.all([local.stop(), cluster.proc.stop()]);
});

function targets(): Record<string, number> {
  return {
    operator_dir: local.operatorPorts.ops,
    operator_kubernetes: cluster.ports.ops,
    sidecar: local.sidecarPorts.ops,
  };
}

/** `# HELP` and `# TYPE` of every family in an exposition. */
function familiesIn(text: string): Map<string, { help: string; type: string }> {
  const out = new Map<string, { help: string; type: string }>();
  for (const line of text.split('\n')) {
    const match = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (match === null) continue;
    const [, kind, name = '', rest = ''] = match;
    const family = out.get(name) ?? { help: '', type: '' };
    if (kind === 'HELP') family.help = rest;
    else family.type = rest;
    out.set(name, family);
  }
  return out;
}

describe('metrics of the running binaries', () => {
  it('pass promtool check metrics with no problem reported', async () => {
    for (const [name, port] of Object.entries(targets())) {
      const text = await scrape(port);
      expect(text, name).toContain('ensign_');
      const result = await promtool(['check', 'metrics'], { input: text });
      expect(`${result.stdout}${result.stderr}`, name).toBe('');
      expect(result.code, name).toBe(0);
    }
  });

  it('are all in the metric catalog, with the same type and help text', async () => {
    const catalog = await metricCatalog();
    const known = new Map<string, MetricFamily>(
      [...catalog.operator, ...catalog.sidecar].map((f) => [f.name.replace(/_total$/, ''), f]),
    );
    const defaults = new Set([
      ...defaultMetricNames('ensign_operator_'),
      ...defaultMetricNames('ensign_sidecar_'),
    ]);
    const seen = new Set<string>();
    for (const [target, port] of Object.entries(targets())) {
      for (const [name, family] of familiesIn(await scrape(port))) {
        if (defaults.has(name) || defaults.has(`${name}_total`)) continue;
        // The exposition names a counter family without `_total`; the registry with it.
        const documented = known.get(name.replace(/_total$/, ''));
        expect(documented, `${target} exports ${name}, which the catalog lacks`).toBeDefined();
        expect({ type: family.type, help: family.help }, name).toEqual({
          type: documented?.type,
          help: documented?.help.replaceAll('\\', '\\\\').replaceAll('\n', '\\n'),
        });
        seen.add(documented?.name ?? name);
      }
    }
    // The three processes together show most of the catalog (webhook and certificates need their servers).
    expect(seen.size).toBeGreaterThan(25);
  });

  it('are scraped by a real Prometheus, which sees evaluations, rule sets, leadership and propagation', async () => {
    const dir = await tempDir('prometheus');
    const scrapeTargets = Object.fromEntries(
      Object.entries(targets()).map(([job, port]) => [job, `127.0.0.1:${port}`]),
    );
    prometheus = await startPrometheus(scrapeTargets, await freePort(), dir);
    const p = prometheus;
    const first = async (promql: string): Promise<number | undefined> => (await p.query(promql))[0]?.value;
    await waitFor(
      'every target up',
      async () => ((await first('count(up == 1)')) === 3 ? true : undefined),
      60_000,
      250,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${p.output().slice(-3000)}`);
    });
    await waitFor(
      'sidecar evaluations',
      async () => first('sum(ensign_sidecar_evaluations_total)'),
      30_000,
      250,
    );
    expect(await first('sum(ensign_sidecar_evaluations_total)')).toBeGreaterThanOrEqual(10);
    expect(
      await first('sum(ensign_sidecar_evaluation_errors_total{code="NOT_FOUND"})'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      await first('ensign_operator_ruleset_flags{job="operator_dir", namespace="shop"}'),
    ).toBeGreaterThan(0);
    expect(
      await first(
        `ensign_operator_ruleset_flags{job="operator_kubernetes", namespace="${clusterNamespace}"}`,
      ),
    ).toBe(1);
    expect(await first('ensign_operator_leader{job="operator_kubernetes"}')).toBe(1);
    expect(
      await first('sum(ensign_operator_reconciles_total{job="operator_kubernetes", result="success"})'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      await first('sum(ensign_operator_workqueue_queue_duration_seconds_count{job="operator_kubernetes"})'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      await first(
        `count(ensign_operator_ruleset_revision_info{job="operator_kubernetes", namespace="${clusterNamespace}"})`,
      ),
    ).toBe(1);
    expect(await first('sum(ensign_operator_sidecars_connected{job="operator_dir"})')).toBe(2);
    expect(await first('sum(ensign_operator_propagation_seconds_count)')).toBeGreaterThanOrEqual(2);
    expect(await first('ensign_sidecar_ruleset_staleness_seconds')).toBe(0);
    expect(await first('ensign_sidecar_sync_state{state="connected"}')).toBe(1);
    // The opt-in per-flag counter has the allow-listed flag, and only it.
    expect(await first('sum(ensign_sidecar_flag_evaluations_total{flag="payments-enabled"})')).toBe(5);
    expect(await p.query('ensign_sidecar_flag_evaluations_total{flag!="payments-enabled"}')).toEqual([]);
  });
});
