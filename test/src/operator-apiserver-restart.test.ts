// kube-apiserver restarts over the same etcd data: the operator's watches break, its informers
// recover on their own (re-watch or relist), and what it serves afterwards matches the cluster
// exactly — nothing stale, nothing missing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlPlane } from './cluster/control-plane.ts';
import { installCrds } from './cluster/install-crds.ts';
import { useControlPlane } from './cluster/use-control-plane.ts';
import {
  booleanFlagYaml,
  isReady,
  kubectlJson,
  kubectlOk,
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
let ns: string;
let operator: ClusterOperator;
const running: EnsignProcess[] = [];
let sidecar: EnsignProcess;
let httpUrl: string;
const measured: Record<string, number> = {};

async function apply(yaml: string): Promise<void> {
  await kubectlOk(plane, ['apply', '-f', '-'], yaml);
}

async function servedFlags(): Promise<string[]> {
  const res = await fetch(`${httpUrl}/internal/v1/evaluation/snapshot/namespace/${ns}`);
  return ((await res.json()) as { flags: { key: string }[] }).flags.map((f) => f.key).sort();
}

async function clusterFlags(): Promise<string[]> {
  const list = await kubectlJson<{ items: { metadata: { name: string } }[] }>(plane, [
    'get',
    'flags.ensign.dev',
    '-n',
    ns,
  ]);
  return list.items.map((f) => f.metadata.name).sort();
}

beforeAll(async () => {
  plane = await useControlPlane();
  await installCrds(plane);
  const kubeconfig = await operatorKubeconfig(plane);
  ns = await plane.createNamespace('restart');
  for (const name of ['keep', 'change', 'remove']) await apply(booleanFlagYaml(name, ns, { enabled: true }));
  operator = await startClusterOperator({ kubeconfig, watchNamespaces: [ns], leaseName: uniqueLeaseName() });
  running.push(operator.proc);
  const ports = await sidecarPorts();
  sidecar = spawnSidecar(operator.ports.sync, ports, await tempDir('restart-sidecar'), [
    `--namespaces=${ns}`,
  ]);
  running.push(sidecar);
  await waitForReady(sidecar, ports.ops);
  httpUrl = `http://127.0.0.1:${ports.http}`;
}, 180_000);

afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  if (Object.keys(measured).length > 0)
    console.log(`API server restart, measured: ${JSON.stringify(measured)}`);
});

describe('API server restart', () => {
  it('recovers its watches and serves exactly the cluster state afterwards', async () => {
    expect(await servedFlags()).toEqual(['change', 'keep', 'remove']);
    const restartsBefore = await metricValue(operator.ports.ops, 'ensign_operator_watch_restarts_total');
    const restartedAt = Date.now();
    await plane.restartApiServer();
    measured.apiServerRestartMs = Date.now() - restartedAt;

    // Changes right after the restart must reach the sidecar: the informers are watching again.
    const changedAt = Date.now();
    await apply(booleanFlagYaml('change', ns, { enabled: false }));
    await kubectlOk(plane, ['delete', 'flag.ensign.dev', 'remove', '-n', ns]);
    await apply(booleanFlagYaml('added', ns, { enabled: true }));
    await waitFor(
      'the sidecar to match the cluster',
      async () => {
        const [served, cluster] = await Promise.all([servedFlags(), clusterFlags()]);
        return served.join() === cluster.join() && served.includes('added') ? served : undefined;
      },
      60_000,
      50,
    );
    measured.changesVisibleAfterRestartMs = Date.now() - changedAt;
    expect(await servedFlags()).toEqual(['added', 'change', 'keep']);
    expect((await booleanOf(httpUrl, 'change', {}, ns)).body.enabled).toBe(false);
    await waitForStatus(plane, 'flag', ns, 'added', isReady('True'));
    const changed = await waitForStatus(plane, 'flag', ns, 'change', isReady('True'));
    expect(changed.status?.observedGeneration).toBe(2);
    expect(await metricValue(operator.ports.ops, 'ensign_operator_watch_restarts_total')).toBeGreaterThan(
      restartsBefore,
    );
    const metrics = await (await fetch(`http://127.0.0.1:${operator.ports.ops}/metrics`)).text();
    console.log(
      metrics
        .split('\n')
        .filter((l) => l.startsWith('ensign_operator_watch_restarts_total'))
        .join('\n'),
    );
    expect(operator.proc.exitCode).toBeNull();
  });
});
