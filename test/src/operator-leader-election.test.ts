// Two operator replicas with leader election over a real Lease: both compile and serve sidecars,
// only the leader writes status; killing the leader (SIGKILL, no release) hands over within the
// lease duration, and a graceful stop releases the Lease at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlPlane } from './cluster/control-plane.ts';
import { installCrds } from './cluster/install-crds.ts';
import { useControlPlane } from './cluster/use-control-plane.ts';
import {
  booleanFlagYaml,
  isReady,
  kubectlOk,
  leaseHolder,
  metricValue,
  operatorKubeconfig,
  startClusterOperator,
  uniqueLeaseName,
  waitForStatus,
  type ClusterOperator,
} from './harness/cluster-operator.ts';
import {
  sidecarPorts,
  spawnSidecar,
  tempDir,
  waitFor,
  waitForReady,
  type EnsignProcess,
} from './harness/processes.ts';
import { booleanOf } from './harness/rest.ts';

let plane: ControlPlane;
let kubeconfig: string;
let ns: string;
const leaseName = uniqueLeaseName();
const running: { stop(signal?: NodeJS.Signals): Promise<unknown> }[] = [];
const measured: Record<string, number> = {};
let replicaB: ClusterOperator | undefined;

async function operatorNamed(podName: string): Promise<ClusterOperator> {
  const operator = await startClusterOperator({ kubeconfig, watchNamespaces: [ns], leaseName, podName });
  running.push(operator.proc);
  return operator;
}

function holderIs(podName: string) {
  return async () => ((await leaseHolder(plane, leaseName)).startsWith(`${podName}_`) ? true : undefined);
}

beforeAll(async () => {
  plane = await useControlPlane();
  await installCrds(plane);
  kubeconfig = await operatorKubeconfig(plane);
  ns = await plane.createNamespace('ha');
}, 180_000);

afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  if (Object.keys(measured).length > 0) console.log(`leader election, measured: ${JSON.stringify(measured)}`);
});

describe('two operator replicas with leader election', () => {
  it('lets only the leader write status, hands over after the leader is killed, and sidecars never fail', async () => {
    const a = await operatorNamed('replica-a');
    await waitFor('replica-a to lead', holderIs('replica-a'), 20_000);
    const b = await operatorNamed('replica-b');
    replicaB = b;
    const ports = await sidecarPorts();
    // The sidecar talks to the follower: every replica compiles and serves.
    const sidecar: EnsignProcess = spawnSidecar(b.ports.sync, ports, await tempDir('ha-sidecar'), [
      `--namespaces=${ns}`,
    ]);
    running.push(sidecar);
    await waitForReady(sidecar, ports.ops);
    const httpUrl = `http://127.0.0.1:${ports.http}`;

    await kubectlOk(plane, ['apply', '-f', '-'], booleanFlagYaml('ha-flag', ns, { enabled: true }));
    await waitForStatus(plane, 'flag', ns, 'ha-flag', isReady('True'));
    await waitFor('the follower to serve ha-flag', async () =>
      (await booleanOf(httpUrl, 'ha-flag', {}, ns)).body.enabled ? true : undefined,
    );
    expect(await metricValue(a.ports.ops, 'ensign_operator_status_patches_total')).toBeGreaterThan(0);
    expect(await metricValue(b.ports.ops, 'ensign_operator_status_patches_total')).toBe(0);
    expect(await metricValue(a.ports.ops, 'ensign_operator_leader')).toBe(1);
    expect(await metricValue(b.ports.ops, 'ensign_operator_leader')).toBe(0);

    let evaluations = 0;
    let failures = 0;
    const load = { stop: false };
    const loop = (async () => {
      while (!load.stop) {
        const reply = await booleanOf(httpUrl, 'ha-flag', {}, ns).catch(() => undefined);
        if (reply?.status === 200) evaluations++;
        else failures++;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();

    const killedAt = Date.now();
    await a.proc.stop('SIGKILL');
    await waitFor('replica-b to take over', holderIs('replica-b'), 30_000, 100);
    measured.failoverAfterSigkillMs = Date.now() - killedAt;
    expect(measured.failoverAfterSigkillMs).toBeLessThan(20_000);

    await kubectlOk(plane, ['apply', '-f', '-'], booleanFlagYaml('ha-flag', ns, { enabled: false }));
    const updated = await waitForStatus(plane, 'flag', ns, 'ha-flag', isReady('True'));
    expect(updated.status?.observedGeneration).toBe(2);
    await waitFor('the new answer', async () =>
      !(await booleanOf(httpUrl, 'ha-flag', {}, ns)).body.enabled ? true : undefined,
    );
    expect(await metricValue(b.ports.ops, 'ensign_operator_status_patches_total')).toBeGreaterThan(0);
    expect(await metricValue(b.ports.ops, 'ensign_operator_leader')).toBe(1);

    load.stop = true;
    await loop;
    measured.evaluationsDuringFailover = evaluations;
    expect(evaluations).toBeGreaterThan(100);
    expect(failures).toBe(0);
  });

  it('releases the Lease on SIGTERM so a waiting replica leads within one retry period', async () => {
    // replica-b leads after the previous test; a fresh replica waits behind it.
    await waitFor('replica-b to lead', holderIs('replica-b'), 20_000);
    const leader = replicaB?.proc;
    if (leader === undefined) throw new Error('the previous test did not start replica-b');
    await operatorNamed('replica-c');
    const stoppedAt = Date.now();
    expect(await leader.stop('SIGTERM')).toBe(0);
    expect(leader.logs().some((l) => l.msg === 'released the lease')).toBe(true);
    await waitFor('replica-c to take over', holderIs('replica-c'), 10_000, 50);
    measured.handoverAfterSigtermMs = Date.now() - stoppedAt;
    expect(measured.handoverAfterSigtermMs).toBeLessThan(5_000);
  });
});
