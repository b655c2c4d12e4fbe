// Where the operator's API credentials come from: --kubeconfig, else $KUBECONFIG, else the pod's
// service account (in cluster), else ~/.kube/config.
import { KubeConfig } from '@kubernetes/client-node';

export function loadKubeConfig(
  kubeconfig: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): KubeConfig {
  const config = new KubeConfig();
  if (kubeconfig !== undefined) config.loadFromFile(kubeconfig);
  else if ((env.KUBECONFIG ?? '') === '' && (env.KUBERNETES_SERVICE_HOST ?? '') !== '')
    config.loadFromCluster();
  else config.loadFromDefault();
  if (config.getCurrentCluster() === null)
    throw new Error(
      'no Kubernetes API server configured: pass --kubeconfig, set KUBECONFIG, or run in a pod with a service account',
    );
  return config;
}
