// Every metric family the operator and the sidecar can export, read from their real registries:
// each factory the binaries call is called here on a fresh registry. The metric reference in
// docs/observability.md is rendered from this (so it cannot drift), the alert rules and the
// dashboard may name only these metrics, and the end-to-end test checks that the running processes
// export nothing missing from it. Regenerate the doc tables with
//   node test/src/observability/metric-catalog.ts --write
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { collectProcessMetrics } from '@ensign/core/observability/process-metrics.ts';
import type { Metric } from 'prom-client';
import { registerCertificateExpiry } from '@ensign/operator/certificates/certificate-metrics.ts';
import { createControllerMetrics } from '@ensign/operator/controllers/controller-metrics.ts';
import {
  UninjectedPodsDetector,
  type UninjectedPodsOptions,
} from '@ensign/operator/controllers/uninjected-pods-controller.ts';
import { createOperatorMetrics } from '@ensign/operator/observability/metrics.ts';
import { registerServingMetrics } from '@ensign/operator/observability/serving-metrics.ts';
import { createWebhookMetrics } from '@ensign/operator/webhooks/webhook-metrics.ts';
import { createAuthMetrics } from '@ensign/sidecar/auth/auth-metrics.ts';
import { createSidecarMetrics } from '@ensign/sidecar/observability/metrics.ts';
import { createSyncMetrics } from '@ensign/sidecar/observability/sync-metrics.ts';

export const DOC_FILE = fileURLToPath(new URL('../../../docs/observability.md', import.meta.url));

export type Binary = 'operator' | 'sidecar';

export interface MetricFamily {
  readonly name: string;
  readonly type: string;
  readonly help: string;
  readonly labels: readonly string[];
}

/** The operator's registry as main.ts fills it in Kubernetes mode (a superset of dir mode). */
export function operatorRegistry(): Registry {
  const { registry } = createOperatorMetrics();
  createControllerMetrics(registry);
  registerServingMetrics(registry, {
    namespaces: () => [],
    revision: () => undefined,
    sidecars: () => ({ connected: 0, inSync: 0 }),
  });
  createWebhookMetrics(registry);
  registerCertificateExpiry(registry, () => ({}));
  // The detector registers its gauge when constructed; nothing else of it runs here.
  new UninjectedPodsDetector({ registry, excludedNamespaces: [] } as unknown as UninjectedPodsOptions);
  return registry;
}

export function sidecarRegistry(): Registry {
  const registry = new Registry();
  collectProcessMetrics(registry, 'ensign_sidecar_');
  // One allow-listed flag, so the opt-in per-flag counter is registered and documented too.
  createSidecarMetrics({ registry, now: () => 0, ruleSets: () => [], flagKeys: ['example'] });
  createSyncMetrics(registry, () => 0);
  createAuthMetrics(registry);
  return registry;
}

/** prom-client's default process and Node.js metrics under a prefix (documented as a group). */
export function defaultMetricNames(prefix: string): Set<string> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix });
  return new Set(registry.getMetricsAsArray().map((m) => m.name));
}

async function familiesOf(registry: Registry, prefix: string): Promise<MetricFamily[]> {
  const defaults = defaultMetricNames(prefix);
  const out: MetricFamily[] = [];
  for (const metric of registry.getMetricsAsArray() as unknown as Metric[]) {
    const { name, help, type } = await metric.get();
    if (defaults.has(name)) continue;
    const labels = (metric as unknown as { labelNames?: readonly string[] }).labelNames ?? [];
    out.push({ name, type: String(type), help, labels: [...labels] });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

export async function metricCatalog(): Promise<Record<Binary, MetricFamily[]>> {
  return {
    operator: await familiesOf(operatorRegistry(), 'ensign_operator_'),
    sidecar: await familiesOf(sidecarRegistry(), 'ensign_sidecar_'),
  };
}

/** Names a PromQL expression may use for a family: histograms add _bucket, _sum and _count. */
export function seriesNames(family: MetricFamily): string[] {
  return family.type === 'histogram'
    ? [`${family.name}_bucket`, `${family.name}_sum`, `${family.name}_count`]
    : [family.name];
}

const escapeCell = (text: string): string => text.replaceAll('|', '\\|');

export function renderMetricTable(families: readonly MetricFamily[]): string {
  const rows = families.map(
    (f) =>
      `| \`${f.name}\` | ${f.type} | ${f.labels.map((l) => `\`${l}\``).join(', ') || '—'} | ${escapeCell(f.help)} |`,
  );
  return ['| metric | type | labels | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

const markers = (binary: Binary) =>
  [`<!-- metrics:${binary}:start -->`, `<!-- metrics:${binary}:end -->`] as const;

/** The doc with both generated tables replaced by `tables`. */
export function withTables(doc: string, tables: Record<Binary, string>): string {
  let out = doc;
  for (const binary of ['operator', 'sidecar'] as const) {
    const [start, end] = markers(binary);
    const from = out.indexOf(start);
    const to = out.indexOf(end);
    if (from < 0 || to < from) throw new Error(`${DOC_FILE} lacks the markers ${start} … ${end}`);
    out = `${out.slice(0, from + start.length)}\n${tables[binary]}\n${out.slice(to)}`;
  }
  return out;
}

export async function renderedDoc(doc: string): Promise<string> {
  const catalog = await metricCatalog();
  return withTables(doc, {
    operator: renderMetricTable(catalog.operator),
    sidecar: renderMetricTable(catalog.sidecar),
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--write')) {
  writeFileSync(DOC_FILE, await renderedDoc(readFileSync(DOC_FILE, 'utf8')));
  process.stdout.write(`wrote the metric tables of ${DOC_FILE}\n`);
}
