// Runs the real helm over charts/ensign and parses what it renders. Rendering and linting need no
// cluster, so the render suite uses helm on its own; the API-server suite passes plane.helm.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { runKubeClient } from '../cluster/kubectl.ts';
import type { KubectlOptions, KubectlResult } from '../cluster/kubectl.ts';
import { clientBinaries } from '../cluster/test-binaries.ts';

export const CHART_DIR = fileURLToPath(new URL('../../../charts/ensign/', import.meta.url));
export const FULL_VALUES = join(CHART_DIR, 'ci/full-values.yaml');
/** Every `ci/*-values.yaml` (the files `ct lint` would lint the chart with), full values among them. */
export const CI_VALUES_FILES: readonly string[] = readdirSync(join(CHART_DIR, 'ci'))
  .filter((f) => f.endsWith('-values.yaml'))
  .sort()
  .map((f) => join(CHART_DIR, 'ci', f));

/** The default values, then each ci/ file: [label, --values files]. */
export const VALUES_CASES: readonly (readonly [string, readonly string[]])[] = [
  ['the default values', []],
  ...CI_VALUES_FILES.map((f) => [`ci/${f.split('/').at(-1) ?? ''}`, [f]] as const),
];

export type Helm = (args: readonly string[], options?: KubectlOptions) => Promise<KubectlResult>;

/**
 * helm with private cache/config/data homes and no cluster (lint, template, show): the control
 * plane's helm v3 by default, or another binary such as Helm 4 from test/tools/helm4.
 */
export async function offlineHelm(binary?: string): Promise<Helm> {
  const helm = binary ?? (await clientBinaries()).helm;
  const home = mkdtempSync(join(tmpdir(), 'ensign-chart-helm-'));
  const target = { kubeconfigPath: join(home, 'no-kubeconfig'), cacheDir: join(home, 'kube-cache') };
  const env = {
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
  };
  return (args, options) => runKubeClient(helm, target, env, args, options);
}

export interface RenderOptions {
  readonly release?: string;
  readonly namespace?: string;
  readonly valuesFiles?: readonly string[];
  /** `--set` expressions, e.g. `replicaCount=1`. */
  readonly set?: readonly string[];
}

/** Arguments after `helm template|install`: release, chart, namespace, values. */
export function chartArgs(options: RenderOptions = {}): string[] {
  return [
    options.release ?? 'ensign',
    CHART_DIR,
    '--namespace',
    options.namespace ?? 'ensign-system',
    ...(options.valuesFiles ?? []).flatMap((f) => ['--values', f]),
    ...(options.set ?? []).flatMap((s) => ['--set', s]),
  ];
}

export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly [field: string]: unknown;
}

export function parseManifests(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

/** `helm template`; throws with helm's stderr when it fails. */
export async function renderChart(helm: Helm, options: RenderOptions = {}): Promise<KubeObject[]> {
  const result = await helm(['template', ...chartArgs(options)]);
  if (result.code !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return parseManifests(result.stdout);
}

export function objectOf(objects: readonly KubeObject[], kind: string, name?: string): KubeObject {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1)
    throw new Error(`expected one ${kind}${name === undefined ? '' : ` ${name}`}, rendered ${found.length}`);
  return found[0] as KubeObject;
}

export function kindsOf(objects: readonly KubeObject[]): string[] {
  return objects.map((o) => o.kind).sort();
}
