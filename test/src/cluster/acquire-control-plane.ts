// One entry point for "give me a control plane" that follows the environment: an existing
// cluster (ENSIGN_TEST_KUBECONFIG), k3s in Docker (ENSIGN_TEST_PROVIDER=k3s), or etcd +
// kube-apiserver started here (the default).
import type { ControlPlane } from './control-plane.ts';
import { chooseControlPlaneSource } from './control-plane-source.ts';
import type { ControlPlaneSource } from './control-plane-source.ts';
import { connectKubeconfig } from './existing-cluster.ts';
import { startK3sControlPlane } from './k3s-control-plane.ts';
import { startControlPlane } from './start-control-plane.ts';
import type { StartControlPlaneOptions } from './start-control-plane.ts';

export function acquireControlPlane(
  source: ControlPlaneSource = chooseControlPlaneSource(process.env),
  options: StartControlPlaneOptions = {},
): Promise<ControlPlane> {
  switch (source.kind) {
    case 'local':
      return startControlPlane(options);
    case 'existing':
      return connectKubeconfig(source.kubeconfigPath, 'existing');
    case 'k3s':
      return startK3sControlPlane(source.image);
  }
}
