// Where the operator's API credentials come from: --kubeconfig, else $KUBECONFIG, else the pod's
// service account (in cluster), else ~/.kube/config. client-node would quietly fall back to
// http://localhost:8080 when none exists; here that is an error that says what to do.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

export function loadKubeConfig(
  kubeconfig: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  home: string = homedir(),
): KubeConfig {
  const config = new KubeConfig();
  const fromEnv = env.KUBECONFIG ?? '';
  const homeConfig = join(home, '.kube', 'config');
  if (kubeconfig !== undefined) {
    if (!existsSync(kubeconfig)) throw new Error(`--kubeconfig: no such file "${kubeconfig}"`);
    config.loadFromFile(kubeconfig);
  } else if (fromEnv !== '') {
    // KUBECONFIG may list several files (kubectl merges them; the first wins on conflicts).
    const [first, ...rest] = fromEnv.split(delimiter).filter((f) => f !== '');
    if (first !== undefined) config.loadFromFile(first);
    for (const file of rest) {
      const more = new KubeConfig();
      more.loadFromFile(file);
      config.mergeConfig(more, true);
    }
  } else if ((env.KUBERNETES_SERVICE_HOST ?? '') !== '') config.loadFromCluster();
  else if (existsSync(homeConfig)) config.loadFromFile(homeConfig);
  else
    throw new Error(
      'no Kubernetes API server configured: pass --kubeconfig, set KUBECONFIG, or run in a pod with a service account',
    );
  if (config.getCurrentCluster() === null)
    throw new Error('the kubeconfig names no current cluster (set current-context)');
  return config;
}
