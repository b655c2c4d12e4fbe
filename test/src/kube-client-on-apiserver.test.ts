// The operator's API client and supervised informer against the real kube-apiserver, with the
// operator's own RBAC: the HTTP codes arrive as values, merge patches touch only status, a watch
// from a too-old resourceVersion yields 410, and the informer's watchdog and resync work on a real
// watch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFlag } from '@ensign/operator/api/parse.ts';
import type { Flag } from '@ensign/operator/api/flag.ts';
import {
  SupervisedInformer,
  type InformerEvent,
  type RestartCause,
} from '@ensign/operator/controllers/supervised-informer.ts';
import { KubeClient, type RawWatchEvent } from '@ensign/operator/kube/kube-client.ts';
import { kubeLeaseApi, type Lease } from '@ensign/operator/kube/lease-api.ts';
import { loadKubeConfig } from '@ensign/operator/kube/load-kube-config.ts';
import { FLAG } from '@ensign/operator/kube/resource-type.ts';
import { systemClock } from '@ensign/operator/runtime/clock.ts';
import type { ControlPlane } from './cluster/control-plane.ts';
import { installCrds } from './cluster/install-crds.ts';
import { useControlPlane } from './cluster/use-control-plane.ts';
import {
  booleanFlagYaml,
  kubectlOk,
  OPERATOR_NAMESPACE,
  operatorKubeconfig,
  uniqueLeaseName,
  type KubeObject,
} from './harness/cluster-operator.ts';
import { waitFor } from './harness/processes.ts';

let plane: ControlPlane;
let client: KubeClient;
let ns: string;
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  plane = await useControlPlane();
  await installCrds(plane);
  client = new KubeClient(loadKubeConfig(await operatorKubeconfig(plane), {}));
  ns = await plane.createNamespace('client');
  await kubectlOk(plane, ['apply', '-f', '-'], booleanFlagYaml('one', ns, { enabled: true }));
}, 180_000);

afterAll(async () => {
  for (const stop of stops) await stop();
});

const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };

describe('KubeClient on a real API server', () => {
  it('lists with the list resourceVersion and returns API errors as values with their code', async () => {
    const listed = await client.list(FLAG, { namespace: ns });
    expect(listed.ok && listed.value.items.length).toBe(1);
    expect(listed.ok && listed.value.resourceVersion).toMatch(/^\d+$/);
    const missing = await client.get(FLAG, ns, 'absent');
    expect(missing).toMatchObject({ ok: false, error: { code: 404, reason: 'NotFound' } });
    const forbidden = await client.request('GET', `/api/v1/namespaces/${ns}/secrets`);
    expect(forbidden).toMatchObject({ ok: false, error: { code: 403, reason: 'Forbidden' } });
  });

  it('merge-patches only the status subresource, conditional on the resourceVersion', async () => {
    const current = await client.get<KubeObject>(FLAG, ns, 'one');
    if (!current.ok) throw new Error('no flag');
    const { resourceVersion, generation } = current.value.metadata;
    const patch = {
      metadata: { resourceVersion },
      status: { observedGeneration: 1 },
      spec: { enabled: false },
    };
    const patched = await client.patch<KubeObject & { spec: { enabled: boolean } }>(
      FLAG,
      ns,
      'one',
      patch,
      'merge',
      {
        subresource: 'status',
      },
    );
    expect(patched.ok).toBe(true);
    if (!patched.ok) return;
    expect(patched.value.status?.observedGeneration).toBe(1);
    expect(patched.value.spec.enabled).toBe(true); // the status subresource ignores spec
    expect(patched.value.metadata.generation).toBe(generation);
    const stale = await client.patch(FLAG, ns, 'one', patch, 'merge', { subresource: 'status' });
    expect(stale).toMatchObject({ ok: false, error: { code: 409, reason: 'Conflict' } });
  });

  it('ends a watch from a resourceVersion the server no longer has with 410 Gone', async () => {
    const events: RawWatchEvent[] = [];
    const stream = client.watch(
      FLAG,
      { namespace: ns, resourceVersion: '1', timeoutSeconds: 30, allowWatchBookmarks: true },
      (e) => events.push(e),
    );
    const result = await stream.done;
    expect(result).toMatchObject({ ok: false, error: { code: 410 } });
  });

  it('creates and updates a Lease with optimistic concurrency', async () => {
    const name = uniqueLeaseName('client-test');
    const leases = kubeLeaseApi(client, OPERATOR_NAMESPACE, name);
    const lease: Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace: OPERATOR_NAMESPACE },
      spec: { holderIdentity: 'me', leaseDurationSeconds: 15 },
    };
    const created = await leases.create(lease, 5_000);
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    const updated = await leases.update(
      { ...created.value, spec: { ...created.value.spec, holderIdentity: 'you' } },
      5_000,
    );
    expect(updated.ok && updated.value.spec.holderIdentity).toBe('you');
    const stale = await leases.update({ ...created.value, spec: { holderIdentity: 'thief' } }, 5_000);
    expect(stale).toMatchObject({ ok: false, error: { code: 409 } });
  });
});

describe('SupervisedInformer on a real API server', () => {
  it('restarts a silent watch, resyncs by relisting, and keeps delivering changes', async () => {
    const events: InformerEvent<Flag>[] = [];
    const restarts: RestartCause[] = [];
    const informer = new SupervisedInformer<Flag>({
      type: FLAG,
      api: client,
      parse: parseFlag,
      scopes: [{ namespace: ns }],
      onEvent: (e) => events.push(e),
      onRestart: (cause) => restarts.push(cause),
      logger: quiet,
      clock: systemClock,
      backoff: { initialMs: 50, maxMs: 500, random: Math.random },
      staleAfterMs: 700,
      resyncMs: 2_500,
      watchTimeoutSeconds: () => 60,
    });
    stops.push(() => informer.stop());
    informer.start();
    await informer.waitForSync();
    expect(informer.list(ns).map((f) => f.metadata.name)).toEqual(['one']);
    await waitFor(
      'the watchdog to restart the quiet watch',
      () => (restarts.includes('stale') ? true : undefined),
      5_000,
    );
    await waitFor('a resync', () => (events.some((e) => e.type === 'resync') ? true : undefined), 5_000);
    await kubectlOk(plane, ['apply', '-f', '-'], booleanFlagYaml('two', ns, { enabled: true }));
    await waitFor('the new flag in the cache', () => informer.get(ns, 'two'), 5_000);
    await kubectlOk(plane, ['delete', 'flag.ensign.dev', 'one', '-n', ns]);
    await waitFor(
      'the deleted flag to leave the cache',
      () => (informer.get(ns, 'one') === undefined ? true : undefined),
      5_000,
    );
    expect(events.some((e) => e.type === 'delete' && e.object.metadata.name === 'one')).toBe(true);
  });
});
