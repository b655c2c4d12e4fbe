// charts/ensign against the real kube-apiserver: server-side dry-run of what helm renders (with
// the real Prometheus Operator and cert-manager CRDs installed), a real `helm install` that
// creates every object, and the restricted Pod Security Standard judged by the API server's own
// PodSecurity admission for the operator pod and for a pod the webhook injects a sidecar into.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { podSchema } from '@ensign/operator/webhooks/admission-review.ts';
import { buildInjectionPatch } from '@ensign/operator/webhooks/build-injection-patch.ts';
import { parseInjectionConfig } from '@ensign/operator/webhooks/injection-config.ts';
import type { ControlPlane } from '../cluster/control-plane.ts';
import { installCrds } from '../cluster/install-crds.ts';
import { checked } from '../cluster/kubectl.ts';
import { useControlPlane } from '../cluster/use-control-plane.ts';
import { applyAddPatch, type AddOperation } from './apply-add-patch.ts';
import {
  CHART_DIR,
  chartArgs,
  FULL_VALUES,
  objectOf,
  VALUES_CASES,
  parseManifests,
  renderChart,
  type KubeObject,
} from './chart-helm.ts';
import { podSpecOf, type PodSpec } from './pod-spec.ts';
import {
  CERT_MANAGER_CRDS,
  PROMETHEUS_OPERATOR_CRDS,
  thirdPartyCrdFiles,
  type ThirdPartyCrds,
} from './third-party-crds.ts';

let plane: ControlPlane;
let ns: string;
let restrictedNs: string;
// Contains "ensign", so resources are named <release>-operator, <release>-inject, …; unique
// because cluster-scoped objects (ClusterRole, webhook configuration) share the plane.
const release = `ensign-${randomBytes(3).toString('hex')}`;
let installed = false;
const THIRD_PARTY: readonly ThirdPartyCrds[] = [PROMETHEUS_OPERATOR_CRDS, CERT_MANAGER_CRDS];
const createdCrds: string[] = [];

async function kubectlOk(args: readonly string[], input?: string): Promise<string> {
  return checked(await plane.kubectl(args, input === undefined ? {} : { input }), args);
}

/**
 * Polls instead of `kubectl wait`, which fails outright while a brand-new CRD has no
 * status.conditions yet.
 */
async function waitEstablished(crd: string): Promise<void> {
  const jsonPath = '-o=jsonpath={.status.conditions[?(@.type=="Established")].status}';
  for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
    const got = await plane.kubectl(['get', 'crd', crd, jsonPath]);
    if (got.stdout.trim() === 'True') return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`CRD ${crd} was not Established within 60 s`);
}

function toYamlStream(objects: readonly unknown[]): string {
  return objects.map((o) => stringify(o)).join('---\n');
}

beforeAll(async () => {
  plane = await useControlPlane();
  await installCrds(plane);
  // Only CRDs the cluster lacks are installed (and later deleted): on an existing cluster
  // (ENSIGN_TEST_KUBECONFIG) the real Prometheus Operator or cert-manager CRDs stay untouched.
  for (const crds of THIRD_PARTY) {
    const files = await thirdPartyCrdFiles(crds);
    for (const [i, name] of crds.names.entries()) {
      if ((await plane.kubectl(['get', 'crd', name, '-o', 'name'])).code === 0) continue;
      await kubectlOk(['apply', '--server-side', '--field-manager=ensign-chart-tests', '-f', files[i] ?? '']);
      createdCrds.push(name);
      await waitEstablished(name);
    }
  }
  ns = await plane.createNamespace('ensign-chart');
  restrictedNs = await plane.createNamespace('ensign-chart-restricted');
  await kubectlOk(['label', 'namespace', restrictedNs, 'pod-security.kubernetes.io/enforce=restricted']);
}, 600_000);

afterAll(async () => {
  // helm uninstall deletes the cluster-scoped ClusterRole(Binding) and webhook configuration.
  const uninstall = ['uninstall', release, '--namespace', ns];
  if (installed) checked(await plane.helm(uninstall), ['helm', ...uninstall]);
  // The monitoring and cert-manager CRDs this suite installed; other suites never see them.
  if (createdCrds.length > 0)
    await plane.kubectl(['delete', 'crd', '--ignore-not-found', '--wait=false', ...createdCrds]);
});

function render(valuesFiles: readonly string[] = []): Promise<KubeObject[]> {
  return renderChart((args, options) => plane.helm(args, options), { release, namespace: ns, valuesFiles });
}

describe('kubectl apply --dry-run=server', () => {
  for (const [name, valuesFiles] of VALUES_CASES)
    it(`accepts every object the chart renders with ${name}`, async () => {
      const objects = await render(valuesFiles);
      // Client-side apply (Helm 3, kubectl) and server-side apply (Helm 4, Argo CD ServerSideApply).
      for (const mode of [[], ['--server-side', '--field-manager=ensign-chart-tests']]) {
        const args = ['apply', ...mode, '--dry-run=server', '--validate=strict', '-f', '-'];
        const result = await plane.kubectl(args, { input: toYamlStream(objects) });
        expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
        const applied = result.stdout.trim().split('\n');
        expect(applied).toHaveLength(objects.length);
        for (const line of applied)
          expect(line).toMatch(/ (created|configured|unchanged|serverside-applied) \(server dry run\)$/);
      }
    });
});

describe('the CRD upgrade of docs/upgrade.md', () => {
  it('applies the chart’s crds/ server-side over CRDs another manager created', async () => {
    // installCrds() created them with its own field manager, as `helm install` would have.
    const doc = readFileSync(join(CHART_DIR, '../../docs/upgrade.md'), 'utf8');
    const command = /^kubectl apply --server-side --force-conflicts -f charts\/ensign\/crds\/$/m.exec(
      doc,
    )?.[0];
    expect(command).toBeDefined();
    const args = [...(command ?? '').split(' ').slice(1, -1), join(CHART_DIR, 'crds'), '--dry-run=server'];
    const result = await plane.kubectl(args);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      'customresourcedefinition.apiextensions.k8s.io/flags.ensign.dev serverside-applied',
    );
  });
});

describe('helm install', () => {
  it('creates every object the chart renders and prints the notes', async () => {
    const args = ['install', ...chartArgs({ release, namespace: ns, valuesFiles: [FULL_VALUES] })];
    const result = await plane.helm(args, { timeoutMs: 120_000 });
    expect(result.code, result.stderr).toBe(0);
    installed = true;

    const manifest = parseManifests(
      checked(await plane.helm(['get', 'manifest', release, '--namespace', ns]), ['helm get manifest']),
    );
    const rendered = await render([FULL_VALUES]);
    expect(manifest.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
      rendered.map((o) => `${o.kind}/${o.metadata.name}`).sort(),
    );
    for (const object of rendered) {
      const group = object.apiVersion.includes('/') ? `.${object.apiVersion.split('/')[0] ?? ''}` : '';
      const type = `${object.kind.toLowerCase()}${group}`;
      const namespace =
        object.metadata.namespace === undefined ? [] : ['--namespace', object.metadata.namespace];
      const got = await plane.kubectl(['get', type, object.metadata.name, ...namespace, '-o', 'name']);
      expect(got.code, `${type} ${object.metadata.name}: ${got.stderr}`).toBe(0);
    }

    const notes = result.stdout;
    expect(notes).toContain(`kubectl -n ${ns} rollout status deployment/${release}-operator`);
    expect(notes).toContain('kubectl get flags -A');
    expect(notes).toContain('ensign.dev/inject: "true"');
    expect(notes).toContain('healthCheckExprs:');
    expect(notes).toContain('resource.customizations.health.ensign.dev_Flag');
    // The Argo CD health script shipped in the chart, every line of it.
    const health = join(CHART_DIR, 'health');
    const lua = readdirSync(health).filter((f) => f.endsWith('.lua'));
    expect(lua.length).toBeGreaterThan(0);
    for (const line of readFileSync(join(health, lua[0] ?? ''), 'utf8').split('\n'))
      expect(notes).toContain(line.trim());
    expect(notes).toContain('kubectl apply --server-side');
  });

  it('leaves caBundle to the operator or cert-manager: the installed webhooks have none', async () => {
    const configuration = JSON.parse(
      await kubectlOk(['get', 'mutatingwebhookconfiguration', `${release}-inject`, '-o', 'json']),
    ) as { webhooks: { clientConfig: Record<string, unknown> }[] };
    expect(configuration.webhooks).toHaveLength(2);
    for (const webhook of configuration.webhooks) expect(webhook.clientConfig.caBundle).toBeUndefined();
  });
});

describe('the restricted Pod Security Standard, enforced by the API server', () => {
  async function createPod(name: string, spec: PodSpec, annotations: Record<string, string> = {}) {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: restrictedNs, annotations },
      spec,
    };
    return plane.kubectl(['create', '--dry-run=server', '-f', '-'], { input: JSON.stringify(pod) });
  }

  it('admits the operator pod with the default values and every ci/ values file', async () => {
    for (const [, valuesFiles] of VALUES_CASES) {
      const result = await createPod('operator', podSpecOf(await render(valuesFiles)));
      expect(result.code, result.stderr).toBe(0);
    }
  });

  it('refuses the operator pod without its container security context (the check is live)', async () => {
    const spec = podSpecOf(await render());
    const stripped = {
      ...spec,
      containers: spec.containers.map((c) => ({ ...c, securityContext: undefined })),
    };
    const result = await createPod('operator-unrestricted', stripped);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('violates PodSecurity "restricted:latest"');
  });

  it('admits an app pod after the webhook injects the sidecar the chart configures, native or not', async () => {
    const configMap = objectOf(await render(), 'ConfigMap', `${release}-injection`) as KubeObject & {
      data: Record<string, string>;
    };
    const config = parseInjectionConfig(configMap.data['injection.yaml'] ?? '', 'injection.yaml');
    if (!config.ok) throw new Error(config.error);
    const app = {
      metadata: { name: 'app', annotations: { 'ensign.dev/inject': 'true' } },
      spec: {
        serviceAccountName: 'app',
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          {
            name: 'app',
            image: 'registry.example.com/app:1.0.0',
            securityContext: {
              allowPrivilegeEscalation: false,
              capabilities: { drop: ['ALL'] },
              runAsUser: 1000,
            },
          },
        ],
      },
    };
    for (const native of [true, false]) {
      const patch = buildInjectionPatch(podSchema.parse(app), {
        config: config.value,
        native,
        caBundle: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
        syncServerName: undefined,
      });
      if (!patch.ok) throw new Error(patch.error);
      const injected = applyAddPatch(app, patch.patch as readonly AddOperation[]);
      const spec = injected.spec as PodSpec;
      const sidecar = [...spec.containers, ...(spec.initContainers ?? [])].find(
        (c) => c.name === 'ensign-sidecar',
      );
      expect(sidecar, `native=${native}`).toBeDefined();
      const result = await createPod(`app-native-${native}`, spec, injected.metadata.annotations);
      expect(result.code, result.stderr).toBe(0);
    }
  });
});
