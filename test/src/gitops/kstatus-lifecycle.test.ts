// kstatus (what Flux's `wait` and Helm 4's --wait compute), Flux with our published healthCheckExprs
// and our Argo CD health check over
// the real lifecycle of Flag, Segment and FlagNamespace: objects applied with kubectl to a real API
// server, reconciled by the real operator (with its own RBAC), read back with `kubectl get -o json`
// at every step. The operator is stopped for the "not yet observed" steps, so they are certain
// rather than a race against a fast operator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlPlane } from '../cluster/control-plane.ts';
import { installCrds } from '../cluster/install-crds.ts';
import { useControlPlane } from '../cluster/use-control-plane.ts';
import {
  booleanFlagYaml,
  flagNamespaceYaml,
  getObject,
  isReady,
  kubectlOk,
  operatorKubeconfig,
  segmentYaml,
  startClusterOperator,
  uniqueLeaseName,
  waitForStatus,
} from '../harness/cluster-operator.ts';
import type { ClusterOperator, KubeObject } from '../harness/cluster-operator.ts';
import { fluxHealthOf, publishedHealthCheckExprs } from './flux-health.ts';
import type { FluxStatus } from './flux-health.ts';
import { argoHealthOf, kstatusOf } from './health-tools.ts';
import type { ArgoHealth, KstatusResult } from './health-tools.ts';

let plane: ControlPlane;
let kubeconfig: string;
let ns: string;
let operator: ClusterOperator | undefined;
const leaseName = uniqueLeaseName('ensign-kstatus');

type Kind = 'flag' | 'segment' | 'flagnamespace';

interface Reading {
  readonly object: KubeObject;
  readonly kstatus: KstatusResult;
  readonly argo: ArgoHealth;
  readonly flux: FluxStatus;
}

const exprs = publishedHealthCheckExprs();

/** The object as the API server holds it now, and what kstatus and Argo CD make of it. */
async function read(kind: Kind, name: string): Promise<Reading> {
  const object = await getObject(plane, kind, kind === 'flagnamespace' ? undefined : ns, name);
  return {
    object,
    kstatus: await kstatusOf(object),
    argo: await argoHealthOf(object),
    flux: (await fluxHealthOf(object, exprs)).status,
  };
}

async function apply(yaml: string): Promise<void> {
  await kubectlOk(plane, ['apply', '-f', '-'], yaml);
}

async function startOperator(): Promise<void> {
  operator = await startClusterOperator({
    kubeconfig,
    watchNamespaces: [ns],
    leaseName,
    ...(operator === undefined ? {} : { ports: operator.ports }),
  });
}

async function stopOperator(): Promise<void> {
  expect(await operator?.proc.stop()).toBe(0);
}

/** The three objects each step checks, in dependency order. */
function lifecycleObjects(): [Kind, string][] {
  return [
    ['segment', 'vip'],
    ['flag', 'checkout'],
    ['flagnamespace', ns],
  ];
}

function waitReady(kind: Kind, name: string, status: 'True' | 'False'): Promise<KubeObject> {
  return waitForStatus(plane, kind, kind === 'flagnamespace' ? undefined : ns, name, isReady(status));
}

beforeAll(async () => {
  plane = await useControlPlane();
  await installCrds(plane);
  kubeconfig = await operatorKubeconfig(plane);
  ns = await plane.createNamespace('kstatus');
}, 180_000);

afterAll(async () => {
  await operator?.proc.stop();
  await plane.kubectl(['delete', 'flagnamespace.ensign.dev', ns, '--ignore-not-found']);
});

describe('kstatus and Argo CD health through the lifecycle on a real API server', () => {
  it('just applied, before the operator has seen them: kstatus, Argo CD and Flux all wait', async () => {
    await apply(segmentYaml('vip', ns));
    await apply(booleanFlagYaml('checkout', ns, { segment: 'vip', enabled: true }));
    await apply(flagNamespaceYaml(ns));
    for (const [kind, name] of lifecycleObjects()) {
      const reading = await read(kind, name);
      // The CRDs default status to {observedGeneration: 0}: without it kstatus would read an object
      // with no status as Current (its documented corner case) before the operator saw it.
      expect(reading.object.status, kind).toEqual({ observedGeneration: 0 });
      expect(reading.kstatus.status, kind).toBe('InProgress');
      expect(reading.argo.status, kind).toBe('Progressing');
      expect(reading.flux, kind).toBe('InProgress');
    }
  });

  it('once the operator reconciled them: Current and Healthy', async () => {
    await startOperator();
    for (const [kind, name] of lifecycleObjects()) {
      await waitReady(kind, name, 'True');
      const reading = await read(kind, name);
      expect(reading.object.status?.observedGeneration, kind).toBe(reading.object.metadata.generation);
      expect(reading.kstatus.status, kind).toBe('Current');
      expect(reading.argo.status, kind).toBe('Healthy');
      expect(reading.flux, kind).toBe('Current');
    }
  });

  it('a spec change is InProgress (Progressing) until the operator observes it, then Current again', async () => {
    await stopOperator();
    await apply(segmentYaml('vip', ns, 'platinum'));
    await apply(booleanFlagYaml('checkout', ns, { segment: 'vip', enabled: false }));
    await kubectlOk(plane, [
      'patch',
      'flagnamespace.ensign.dev',
      ns,
      '--type=merge',
      '-p',
      '{"spec":{"description":"changed"}}',
    ]);
    for (const [kind, name] of lifecycleObjects()) {
      const reading = await read(kind, name);
      const generation = reading.object.metadata.generation ?? 0;
      expect(generation, kind).toBe(2);
      expect(reading.kstatus, kind).toMatchObject({ status: 'InProgress' });
      expect(reading.kstatus.message, kind).toContain(
        `generation is ${generation}, but latest observed generation is 1`,
      );
      expect(reading.argo, kind).toEqual({
        status: 'Progressing',
        message: `Waiting for the Ensign operator to observe generation ${generation}`,
      });
      expect(reading.flux, kind).toBe('InProgress');
    }
    await startOperator();
    for (const [kind, name] of lifecycleObjects()) {
      await waitReady(kind, name, 'True');
      const reading = await read(kind, name);
      expect([reading.kstatus.status, reading.argo.status, reading.flux], kind).toEqual([
        'Current',
        'Healthy',
        'Current',
      ]);
    }
  });

  it('a Flag naming a missing Segment is Failed (Stalled) and Degraded, with a message naming it; so is its FlagNamespace', async () => {
    await apply(booleanFlagYaml('checkout', ns, { segment: 'gold-members', enabled: true }));
    await waitReady('flag', 'checkout', 'False');
    const flag = await read('flag', 'checkout');
    expect(flag.kstatus.status).toBe('Failed');
    expect(flag.kstatus.message).toContain('gold-members');
    expect(flag.argo.status).toBe('Degraded');
    expect(flag.argo.message).toBe(flag.kstatus.message);
    expect(flag.flux).toBe('Failed');

    await waitReady('flagnamespace', ns, 'False');
    const namespace = await read('flagnamespace', ns);
    expect(namespace.kstatus.status).toBe('Failed');
    expect(namespace.kstatus.message).toContain('Flag checkout (SegmentNotFound)');
    expect(namespace.argo).toEqual({ status: 'Degraded', message: namespace.kstatus.message });
    expect(namespace.flux).toBe('Failed');

    // The Segment that exists is not at fault.
    const segment = await read('segment', 'vip');
    expect([segment.kstatus.status, segment.argo.status, segment.flux]).toEqual([
      'Current',
      'Healthy',
      'Current',
    ]);
  });

  it('creating the missing Segment makes the Flag and its FlagNamespace Current and Healthy again', async () => {
    await apply(segmentYaml('gold-members', ns));
    for (const [kind, name] of [
      ['segment', 'gold-members'],
      ['flag', 'checkout'],
      ['flagnamespace', ns],
    ] as const) {
      await waitReady(kind, name, 'True');
      const reading = await read(kind, name);
      expect(reading.kstatus, kind).toMatchObject({ status: 'Current' });
      expect(reading.argo.status, kind).toBe('Healthy');
      expect(
        reading.object.status?.conditions?.some((c) => c.type === 'Stalled'),
        kind,
      ).toBe(false);
    }
  });
});
