// Which control plane the integration tests use, from the environment (envtest's conventions
// where they exist): an existing cluster, k3s in Docker (opt-in), or etcd + kube-apiserver here.
import type { Env } from './test-binaries.ts';

export const DEFAULT_K3S_IMAGE = 'rancher/k3s:v1.32.13-k3s1';

export type ControlPlaneSource =
  | { readonly kind: 'local' }
  | { readonly kind: 'existing'; readonly kubeconfigPath: string }
  | { readonly kind: 'k3s'; readonly image: string };

export function chooseControlPlaneSource(env: Env): ControlPlaneSource {
  const kubeconfigPath = env.ENSIGN_TEST_KUBECONFIG;
  if (kubeconfigPath !== undefined && kubeconfigPath !== '') return { kind: 'existing', kubeconfigPath };
  const provider = env.ENSIGN_TEST_PROVIDER ?? '';
  switch (provider) {
    case '':
    case 'local':
      return { kind: 'local' };
    case 'k3s':
      return { kind: 'k3s', image: env.ENSIGN_TEST_K3S_IMAGE ?? DEFAULT_K3S_IMAGE };
    default:
      throw new Error(`ENSIGN_TEST_PROVIDER=${provider}: expected local or k3s`);
  }
}
