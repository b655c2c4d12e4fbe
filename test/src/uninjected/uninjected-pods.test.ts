// Pods created while no injection webhook is registered, against the real API server and the real
// operator with the RBAC of deploy/operator-rbac.yaml: the ones that opted in are reported in the
// metric, with one Warning Event each and in the FlagNamespace status, and the report clears when
// they are gone. The control plane runs no kubelet, so the pods stay Pending; that is enough.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metadataOnly, NAMESPACE, POD } from '@ensign/operator/controllers/uninjected-pods-controller.ts';
import { KubeClient, type RawWatchEvent } from '@ensign/operator/kube/kube-client.ts';
import { loadKubeConfig } from '@ensign/operator/kube/load-kube-config.ts';
import type { ControlPlane } from '../cluster/control-plane.ts';
import { installCrds } from '../cluster/install-crds.ts';
import { useControlPlane } from '../cluster/use-control-plane.ts';
import {
  condition,
  eventsIn,
  flagNamespaceYaml,
  kubectlOk,
  metricValue,
  operatorKubeconfig,
  startClusterOperator,
  uniqueLeaseName,
  waitForStatus,
  type ClusterOperator,
} from '../harness/cluster-operator.ts';
import { waitFor } from '../harness/processes.ts';

let plane: ControlPlane;
let ns: string;
let operator: ClusterOperator;
let kubeconfig: string;

function podYaml(name: string, annotations: Record<string, string> = {}): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, annotations },
    spec: { containers: [{ name: 'app', image: 'registry.example/app:1' }] },
  });
}

async function uninjectedMetric(): Promise<number> {
  return metricValue(operator.ports.ops, `ensign_operator_uninjected_pods\\{namespace="${ns}"\\}`);
}

beforeAll(async () => {
  plane = await useControlPlane();
  await installCrds(plane);
  kubeconfig = await operatorKubeconfig(plane);
  ns = await plane.createNamespace('uninjected');
  // Every pod of this namespace opts in unless it says "false".
  await kubectlOk(plane, ['label', 'namespace', ns, 'ensign.dev/inject=enabled']);
  await kubectlOk(plane, ['apply', '-f', '-'], flagNamespaceYaml(ns));
  operator = await startClusterOperator({
    kubeconfig,
    watchNamespaces: [ns],
    leaseName: uniqueLeaseName('ensign-uninjected'),
  });
}, 180_000);

afterAll(async () => {
  await operator.proc.stop();
  await plane.kubectl(['delete', 'flagnamespace.ensign.dev', ns, '--ignore-not-found']);
});

describe('pods created without the sidecar they asked for', () => {
  it('are counted, get one Warning Event each and show in the FlagNamespace status', async () => {
    for (const pod of [
      podYaml('annotated', { 'ensign.dev/inject': 'true' }),
      podYaml('by-namespace'),
      podYaml('opted-out', { 'ensign.dev/inject': 'false' }),
      podYaml('injected', { 'ensign.dev/inject': 'true', 'ensign.dev/injected': 'true' }),
    ])
      await kubectlOk(plane, ['create', '-f', '-'], pod);

    await waitFor(
      'the un-injected pods metric',
      async () => ((await uninjectedMetric()) === 2 ? true : undefined),
      20_000,
      200,
    );

    const object = await waitForStatus(
      plane,
      'flagnamespace',
      undefined,
      ns,
      (o) => o.status?.uninjectedPods === 2,
    );
    expect(condition(object, 'SidecarsInjected')).toMatchObject({
      status: 'False',
      reason: 'UninjectedPods',
      message: `2 pods opted in to the Ensign sidecar but run without it: annotated, by-namespace; recreate them once the injection webhook is up`,
    });
    // Informational only: the FlagNamespace stays Ready.
    expect(condition(object, 'Ready')?.status).toBe('True');

    const events = await waitFor(
      'SidecarNotInjected events',
      async () => {
        const found = (await eventsIn(plane, ns)).filter((e) => e.reason === 'SidecarNotInjected');
        return found.length === 2 ? found : undefined;
      },
      20_000,
      200,
    );
    expect(events.map((e) => e.regarding.name).sort()).toEqual(['annotated', 'by-namespace']);
    for (const event of events) {
      expect(event).toMatchObject({ type: 'Warning', reportingController: 'ensign.dev/operator' });
      expect(event.regarding.kind).toBe('Pod');
      expect(event.note).toMatch(/recreate the pod/);
    }
  });

  it('records no second Event for the same pod after a restart', async () => {
    await operator.proc.stop();
    operator = await startClusterOperator({
      kubeconfig: await operatorKubeconfig(plane),
      watchNamespaces: [ns],
      leaseName: uniqueLeaseName('ensign-uninjected'),
    });
    await waitFor(
      'the new operator to find both Events already recorded',
      () =>
        Promise.resolve(
          operator.proc.logs().some((r) => r.msg === 'SidecarNotInjected events' && r.alreadyRecorded === 2)
            ? true
            : undefined,
        ),
      20_000,
      200,
    );
    expect(await uninjectedMetric()).toBe(2);
    const events = (await eventsIn(plane, ns)).filter((e) => e.reason === 'SidecarNotInjected');
    expect(events).toHaveLength(2);
  });

  it("reads pods and namespaces as metadata only, with the operator's own permissions", async () => {
    const api = metadataOnly(new KubeClient(loadKubeConfig(kubeconfig, {})));
    const listed = await api.list(POD, { namespace: ns });
    if (!listed.ok) throw new Error(listed.error.message);
    expect(listed.value.items.length).toBeGreaterThanOrEqual(4);
    for (const item of listed.value.items) {
      expect(item).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1' });
      expect(item).not.toHaveProperty('spec');
    }
    const namespaces = await api.list(NAMESPACE, { fieldSelector: `metadata.name=${ns}` });
    expect(namespaces.ok && namespaces.value.items).toEqual([
      expect.objectContaining({
        kind: 'PartialObjectMetadata',
        metadata: expect.objectContaining({ name: ns }) as unknown,
      }),
    ]);
    const events: RawWatchEvent[] = [];
    const watch = api.watch(
      POD,
      { namespace: ns, resourceVersion: '0', timeoutSeconds: 5, allowWatchBookmarks: false },
      (event) => events.push(event),
    );
    await waitFor('watch events', () => Promise.resolve(events.length >= 4 ? true : undefined), 10_000, 100);
    watch.abort();
    expect(events[0]?.object).toMatchObject({ kind: 'PartialObjectMetadata' });
    expect(events[0]?.object).not.toHaveProperty('spec');
  });

  it('clears the report once the pods are gone', async () => {
    await kubectlOk(plane, [
      'delete',
      'pod',
      'annotated',
      'by-namespace',
      '-n',
      ns,
      '--grace-period=0',
      '--force',
    ]);
    const object = await waitForStatus(
      plane,
      'flagnamespace',
      undefined,
      ns,
      (o) => o.status?.uninjectedPods === 0,
    );
    expect(condition(object, 'SidecarsInjected')).toMatchObject({
      status: 'True',
      reason: 'AllPodsInjected',
    });
    await waitFor(
      'the metric to clear',
      async () => ((await uninjectedMetric()) === 0 ? true : undefined),
      20_000,
      200,
    );
  });
});
