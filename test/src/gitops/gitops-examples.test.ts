// examples/gitops/: the checkout flags build with kustomize (what Argo CD and Flux run) into objects
// the real API server accepts (server-side dry run, CRDs installed); the Argo CD Applications and
// the Flux GitRepository + Kustomization point at paths that exist here and carry the options
// docs/gitops.md explains; argocd-cm holds exactly the shipped Lua health check.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import type { ControlPlane } from '../cluster/control-plane.ts';
import { installCrds } from '../cluster/install-crds.ts';
import { useControlPlane } from '../cluster/use-control-plane.ts';
import { kubectlOk } from '../harness/cluster-operator.ts';
import { REPO_ROOT } from '../harness/processes.ts';
import { FLUX_EXAMPLE } from './flux-health.ts';
import { ARGOCD_HEALTH_LUA } from './health-tools.ts';

const GITOPS = join(REPO_ROOT, 'examples/gitops');
const FLAGS_PATH = 'examples/gitops/checkout';
const KINDS = ['Flag', 'Segment', 'FlagNamespace'];

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

function manifests(text: string): Manifest[] {
  return parseAllDocuments(text).map((doc) => doc.toJS() as Manifest);
}

function manifestsIn(dir: string): Manifest[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => manifests(readFileSync(join(dir, f), 'utf8')));
}

function isRepoDir(path: string): boolean {
  const absolute = join(REPO_ROOT, path.replace(/^\.\//, ''));
  return existsSync(absolute) && statSync(absolute).isDirectory();
}

/** The built objects moved into `namespace` (the FlagNamespace renamed after it), for a dry run. */
function movedTo(objects: Manifest[], namespace: string): Manifest[] {
  return objects.map((o) =>
    o.kind === 'FlagNamespace'
      ? { ...o, metadata: { ...o.metadata, name: namespace } }
      : { ...o, metadata: { ...o.metadata, namespace } },
  );
}

function asYaml(objects: Manifest[]): string {
  return objects.map((o) => stringify(o)).join('---\n');
}

let plane: ControlPlane;
let built: Manifest[];

beforeAll(async () => {
  plane = await useControlPlane();
  await installCrds(plane);
  built = manifests(await kubectlOk(plane, ['kustomize', join(REPO_ROOT, FLAGS_PATH)]));
}, 180_000);

describe('the checkout flags kustomization', () => {
  it('builds into the FlagNamespace, Segments and Flags of namespace checkout', () => {
    expect(built.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'Flag/express-checkout',
      'Flag/payment-provider',
      'FlagNamespace/checkout',
      'Segment/returning-customers',
      'Segment/staff',
    ]);
    for (const o of built) {
      expect(o.apiVersion).toBe('ensign.dev/v1alpha1');
      expect(o.metadata.namespace).toBe(o.kind === 'FlagNamespace' ? undefined : 'checkout');
    }
  });

  it('is accepted object by object by the real API server (server-side dry run)', async () => {
    const ns = await plane.createNamespace('gitops');
    const result = await plane.kubectl(['apply', '--dry-run=server', '-f', '-'], {
      input: asYaml(movedTo(built, ns)),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(built.length);
    expect(result.stdout).toMatch(/\(server dry run\)/);
  });

  it('would be refused by that dry run if a Flag broke its CRD rules', async () => {
    const ns = await plane.createNamespace('gitops-bad');
    const broken = movedTo(built, ns).map((o) =>
      o.metadata.name === 'payment-provider' ? { ...o, spec: { ...o.spec, defaultVariant: 'missing' } } : o,
    );
    const result = await plane.kubectl(['apply', '--dry-run=server', '-f', '-'], { input: asYaml(broken) });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('payment-provider');
  });
});

describe('the Argo CD example', () => {
  const applications = manifestsIn(join(GITOPS, 'argocd')).filter((m) => m.kind === 'Application');
  const byName = new Map(applications.map((a) => [a.metadata.name, a]));
  const sourceOf = (name: string) =>
    (byName.get(name)?.spec as { source: { repoURL: string; path: string } }).source;
  const syncOptionsOf = (name: string) =>
    (byName.get(name)?.spec as { syncPolicy: { syncOptions: string[] } }).syncPolicy.syncOptions;

  it('has Applications for the chart and the flags, at paths that exist in this repository', () => {
    expect([...byName.keys()].sort()).toEqual(['checkout-flags', 'ensign']);
    expect(sourceOf('checkout-flags').path).toBe(FLAGS_PATH);
    expect(existsSync(join(REPO_ROOT, sourceOf('ensign').path, 'Chart.yaml'))).toBe(true);
    for (const app of applications) {
      expect(app.apiVersion).toBe('argoproj.io/v1alpha1');
      expect(isRepoDir(sourceOf(app.metadata.name).path)).toBe(true);
    }
  });

  it('syncs the CRDs server-side, tolerates Flags before their CRD, and orders the chart first', () => {
    expect(syncOptionsOf('ensign')).toContain('ServerSideApply=true');
    expect(syncOptionsOf('checkout-flags')).toContain('SkipDryRunOnMissingResource=true');
    const wave = (name: string) =>
      Number(byName.get(name)?.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
    expect(wave('ensign')).toBeLessThan(wave('checkout-flags'));
    const destination = (byName.get('checkout-flags')?.spec as { destination: { namespace: string } })
      .destination;
    expect(destination.namespace).toBe('checkout');
  });

  it('configures argocd-cm with the chart’s Lua health check for Flag, Segment and FlagNamespace', () => {
    const cm = manifestsIn(join(GITOPS, 'argocd')).find((m) => m.kind === 'ConfigMap');
    expect(cm?.metadata).toMatchObject({ name: 'argocd-cm', namespace: 'argocd' });
    const lua = readFileSync(ARGOCD_HEALTH_LUA, 'utf8');
    expect(Object.keys(cm?.data ?? {}).sort()).toEqual(
      KINDS.map((k) => `resource.customizations.health.ensign.dev_${k}`).sort(),
    );
    for (const [key, value] of Object.entries(cm?.data ?? {}))
      expect(value, `${key} must be charts/ensign/health/argocd-health.lua verbatim`).toBe(lua);
  });
});

describe('the Flux example', () => {
  const docs = manifests(readFileSync(FLUX_EXAMPLE, 'utf8'));
  const source = docs.find((d) => d.kind === 'GitRepository');
  const kustomization = docs.find((d) => d.kind === 'Kustomization');
  const spec = kustomization?.spec as {
    path: string;
    sourceRef: { kind: string; name: string };
    wait: boolean;
    prune: boolean;
    healthCheckExprs: { apiVersion: string; kind: string; current: string; failed: string }[];
  };

  it('builds the flags path from its own GitRepository', () => {
    expect(source?.apiVersion).toBe('source.toolkit.fluxcd.io/v1');
    expect(kustomization?.apiVersion).toBe('kustomize.toolkit.fluxcd.io/v1');
    expect(spec.sourceRef).toEqual({ kind: 'GitRepository', name: source?.metadata.name });
    expect(kustomization?.metadata.namespace).toBe(source?.metadata.namespace);
    expect(spec.path.replace(/^\.\//, '')).toBe(FLAGS_PATH);
    expect(isRepoDir(spec.path)).toBe(true);
    const ignore = (source?.spec as { ignore: string }).ignore;
    expect(ignore).toContain(`!/${FLAGS_PATH}/`);
  });

  it('waits for every object and has health expressions for each Ensign kind', () => {
    expect(spec.wait).toBe(true);
    expect(spec.prune).toBe(true);
    expect(spec.healthCheckExprs.map((e) => e.kind).sort()).toEqual([...KINDS].sort());
    for (const e of spec.healthCheckExprs) {
      expect(e.apiVersion).toBe('ensign.dev/v1alpha1');
      expect(e.failed).toContain("'Stalled'");
      expect(e.current).toContain("'Ready'");
    }
  });
});
